"""Steps the browser tests share."""


def sign_in(page, live_server, username, password):
    """Signs in through the login page, as a person would, and waits for the next page."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("load")
