"""The explorer in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium) against `zkreceipt serve`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from service_helpers import CLIENTS, RunningServer, ServiceData

from zkreceipt.ledger.bundle_format import bundle_from_json, bundle_to_json, bundle_to_text
from zkreceipt.ledger.bundles import verify_bundle

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():  # scripts/test.sh installs it: a missing browser is a failure, never a skip
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh (it installs Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser, server: RunningServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(server.url) else foreign.append(request.url))
    yield page
    context.close()
    assert foreign == []  # no fonts, scripts or styles from anywhere else: it works offline


def every_control_is_labelled(page: Page) -> bool:
    return page.evaluate(
        "() => [...document.querySelectorAll('input, select, textarea')].every(e => e.labels && e.labels.length > 0)"
    )


def test_filter_open_a_receipt_and_see_only_the_public_part(
    page: Page, server: RunningServer, service_data: ServiceData, tmp_path: Path
) -> None:
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recent receipts")
    assert every_control_is_labelled(page) and page.evaluate("document.documentElement.lang") == "en"
    page.get_by_label("Address").fill(CLIENTS[1])
    page.get_by_label("as").select_option("client")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/?address=*")
    links = page.locator("table.receipts tbody a")
    shown = {text for text in links.all_inner_texts() if text.startswith("rcpt-test-00")}
    assert shown == {"rcpt-test-0004", "rcpt-test-0001"}
    page.get_by_role("link", name="rcpt-test-0001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("rcpt-test-0001")
    expect(page.get_by_role("heading", name="Verification")).to_contain_text("proof valid")
    text = page.locator("main").inner_text()
    assert "price 5.000000 = units × 2.500000 (the published rate of codellama)" in text
    receipt, bundle = service_data.receipts[1], service_data.stored[1].bundle
    assert bundle.vk_id in text and f"{bundle.signer_key_id} (trusted)" in text and str(bundle.commitment) in text
    assert "receipt-v1;rate=table:4;public=model,price_fp" in text
    assert "What stayed private" in text and "job_id, provider, client, unit_type, units, started_at, completed_at, salt" in text
    started = datetime.fromtimestamp(receipt.started_at, timezone.utc).strftime("%H:%M:%S")
    html = page.content()
    for private in (receipt.job_id, receipt.client, receipt.provider, "2.000", str(receipt.started_at), started):
        assert private not in html
    download = page.get_by_role("link", name="Download bundle")
    downloaded = page.request.get(server.url + download.get_attribute("href"))
    assert verify_bundle(bundle_from_json(json.loads(downloaded.body())), service_data.profile).ok
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)
    assert (tmp_path / "receipt.png").stat().st_size > 10_000


def test_verify_a_pasted_and_an_uploaded_bundle(
    page: Page, server: RunningServer, service_data: ServiceData, tmp_path: Path
) -> None:
    good = bundle_to_json(service_data.stored[2].bundle)
    page.goto(server.url + "/verify")
    assert every_control_is_labelled(page)
    page.get_by_label("Bundle JSON").fill(json.dumps(good))
    page.get_by_role("button", name="Verify").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("✓ valid")
    expect(result).to_contain_text(f"{good['vk_id']} (trusted)")
    expect(result).to_contain_text(f"{good['attestation']['key_id']} (trusted)")
    page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)
    forged = {**good, "disclosed": {**good["disclosed"], "price_fp": 1}}
    path = tmp_path / "forged.bundle.json"
    path.write_text(json.dumps(forged))
    page.get_by_label("Bundle file").set_input_files(str(path))
    expect(page.get_by_label("Bundle JSON")).to_have_value(json.dumps(forged))  # read by the page's script
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status")).to_contain_text("✗ invalid")
    expect(page.get_by_label("Problems")).to_contain_text("price_fp")
    page.get_by_label("Bundle JSON").fill("{not json")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid JSON")
    assert (tmp_path / "verify.png").stat().st_size > 10_000
    assert bundle_to_text(service_data.stored[2].bundle)  # the pasted text was the bundle file's content


def test_phone_width_has_no_horizontal_scrolling(
    browser: Browser, server: RunningServer, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/receipts/rcpt-test-0000", "/verify"):
        page.goto(server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.goto(server.url + "/")
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()
    assert (tmp_path / "phone.png").stat().st_size > 10_000


def test_missing_pages_are_html_404(page: Page, server: RunningServer) -> None:
    response = page.goto(server.url + "/receipts/rcpt-none")
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("no stored receipt")
