"""Steps the browser tests share."""
from app.services.administration.demo import DEMO_PASSWORD


def _log_in(page, base, username):
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/tugas")
