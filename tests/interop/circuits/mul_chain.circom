pragma circom 2.1.0;

// A multiplication chain: acc[i] = acc[i-1] * x + i, so every step is one constraint
// with a constant term. The public input x and output y make two public signals.
template MulChain(n) {
    signal input x;
    signal input seed;
    signal output y;
    signal acc[n + 1];
    acc[0] <== seed;
    for (var i = 1; i <= n; i++) {
        acc[i] <== acc[i - 1] * x + i;
    }
    y <== acc[n];
}

component main {public [x]} = MulChain(600);
