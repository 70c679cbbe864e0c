#!/usr/bin/env python3
"""The web page in a real browser (Debian's chromium + chromium-driver, selenium).

A unit officer logs in, downloads the form, uploads a broken file, reads the findings,
downloads the marked copy, uploads the fixed file and submits; the province sees the
unit received and downloads the summary, whose figures equal `tonghop summary` on the
same store. Screenshots (desktop and phone width) are kept in --out as test artefacts.
Exit status 0 when every check holds; each failed check is printed.
"""
import argparse, os, shutil, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Support"))
import web_server

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ap = argparse.ArgumentParser()
ap.add_argument("--tonghop", required=True)
ap.add_argument("--root", default=".")
ap.add_argument("--out", required=True)
args = ap.parse_args()
root = os.path.abspath(args.root)
out = os.path.abspath(args.out)
shutil.rmtree(out, ignore_errors=True)
downloads = os.path.join(out, "downloads")
os.makedirs(downloads)
tonghop = os.path.abspath(args.tonghop)
db = os.path.join(out, "web.db")
env = dict(os.environ, LANG="vi_VN.UTF-8", TONGHOP_TEMPLATES=os.path.join(root, "templates"))
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=out)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{cmd}: {r.returncode}\n{r.stderr}")
    return r


# The store: every district of 2024 but Tân Uyên; a province and a unit account.
forms = os.path.join(root, "fixtures/submissions/2024")
run([tonghop, "import", "--db", db] + sorted(os.path.join(forms, f) for f in os.listdir(forms) if "111-tan-uyen" not in f))
run([tonghop, "user", "add", "tinh", "--province", "--db", db], stdin="mat-khau-tinh-1\n")
run([tonghop, "user", "add", "tanuyen", "--unit", "111", "--db", db], stdin="mat-khau-tan-uyen\n")

server, port = web_server.start(tonghop, ["--db", db, "--periods", "2024"], env, out, os.path.join(out, "server.log"))
base = f"http://127.0.0.1:{port}"
try:
    opts = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000", "--lang=vi-VN"]:
        opts.add_argument(a)
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    opts.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
    driver.set_page_load_timeout(60)

    def shot(name):
        driver.save_screenshot(os.path.join(out, name + ".png"))

    def wait_download(prefix, suffix, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            done = [f for f in os.listdir(downloads) if f.startswith(prefix) and f.endswith(suffix)]
            if done and not any(f.endswith(".crdownload") for f in os.listdir(downloads)):
                return os.path.join(downloads, done[0])
            time.sleep(0.2)
        return None

    def login(name, password):
        driver.get(base + "/login")
        driver.find_element(By.ID, "name").send_keys(name)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "login").click()

    def body():
        return driver.find_element(By.TAG_NAME, "body").text

    def wait_for(cond, timeout=30):
        """A page after a click: wait until it shows what is expected (or time out)."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                if cond():
                    return True
            except Exception:
                pass
            time.sleep(0.1)
        return False

    try:
        login("tanuyen", "mat-khau-tan-uyen")
        check(wait_for(lambda: driver.current_url.endswith("/unit")), "the unit lands on its page")
        check("Huyện Tân Uyên" in body() and "Chưa nộp" in body(), "the unit's page names it and says not received")
        shot("1-unit-page")
        driver.find_element(By.LINK_TEXT, "Tải biểu mẫu").click()
        form = wait_download("lai-chau-ktxh", ".xlsx")
        check(form is not None and open(form, "rb").read(2) == b"PK", "the blank form downloads as XLSX")

        driver.find_element(By.ID, "file").send_keys(os.path.join(root, "fixtures/officer/tan-uyen-2024-loi-gnumeric.xlsx"))
        driver.find_element(By.ID, "upload").click()
        wait_for(lambda: driver.find_elements(By.ID, "verdict"))
        text = body()
        check("KHÔNG HỢP LỆ" in text, "the broken file is not valid")
        check("Biểu 01!G8" in text and "chưa ghi số liệu" in text, "the empty cell is named with what is missing")
        check("NN01 = 60, CS07 = 10" in text, "the rule shows the values as written")
        check(not driver.find_elements(By.ID, "submit"), "no submit button while there are errors")
        shot("2-findings")
        driver.find_element(By.ID, "annotated").click()
        marked = wait_download("tan-uyen-2024-loi-gnumeric_kiem-tra", ".xlsx")
        check(marked is not None, "the marked copy downloads")

        driver.get(base + "/unit")
        driver.find_element(By.ID, "file").send_keys(os.path.join(forms, "lai-chau-ktxh_111-tan-uyen_2024.xlsx"))
        driver.find_element(By.ID, "upload").click()
        check(wait_for(lambda: driver.find_element(By.ID, "verdict").text == "HỢP LỆ"), "the fixed file is valid")
        driver.find_element(By.ID, "submit").click()
        check(wait_for(lambda: "Đã nộp lúc" in body()), "submitted")
        check("Số biên nhận" in body(), "a receipt number after submitting")
        shot("3-submitted")
        driver.get(base + "/unit")
        check("Đã nộp" in body(), "the unit's page says received")
        driver.set_window_size(390, 844)
        shot("4-unit-page-phone")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check(width <= 400, f"the page fits a phone's width ({width}px; wide tables scroll inside their box)")
        driver.set_window_size(1280, 1000)
        driver.find_element(By.XPATH, "//header//button[@type='submit']").click()
        check(wait_for(lambda: driver.current_url.endswith("/login")), "logged out")

        login("tinh", "mat-khau-tinh-1")
        check(wait_for(lambda: driver.current_url.endswith("/province")), "the province lands on the status page")
        check("đã nhận 9/9" in body(), "the province sees all nine units received")
        shot("5-province-status")
        driver.find_element(By.ID, "summary-2024").click()
        summary = wait_download("tong-hop-lai-chau-ktxh-2024", ".xlsx")
        check(summary is not None, "the summary workbook downloads")
        driver.get(base + "/province/scorecard?period=2024")
        check(len(driver.find_elements(By.TAG_NAME, "svg")) == 1, "the scorecard has its chart")
        shot("6-scorecard")
    finally:
        driver.quit()

    # The web's summary against the command line's on the same store: every cell of the
    # Tổng hợp sheet (values as cached in the workbook), read with openpyxl.
    if summary:
        cli = os.path.join(out, "cli.xlsx")
        run([tonghop, "summary", "--db", db, "--period", "2024", "-o", cli])
        import openpyxl
        def cells(path):
            ws = openpyxl.load_workbook(path, data_only=True)["Tổng hợp"]
            return [[c for c in row] for row in ws.iter_rows(values_only=True)]
        web_cells, cli_cells = cells(summary), cells(cli)
        numbers = sum(1 for row in web_cells for c in row if isinstance(c, (int, float)))
        check(numbers > 100, f"the web summary holds figures ({numbers} numbers)")
        check(web_cells == cli_cells, "the web summary's Tổng hợp equals tonghop summary's, cell for cell")
finally:
    web_server.stop(server)

print(f"{len(failures)} failed; screenshots in {out}")
sys.exit(1 if failures else 0)
