"""Policy circuits built with zkreceipt.circuit: compute receipts, invoices, and benchmark circuits."""
