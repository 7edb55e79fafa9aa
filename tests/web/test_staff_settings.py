"""The staff member's own language, and what sign-out and idle expiry tell
the browser to forget."""
from tests.conftest import sign_in
from tests.web.helpers import hidden_fields, text_of
from tests.web.test_staff_auth import csrf_of, staff  # noqa: F401 (a fixture)


def test_sign_out_tells_the_browser_to_forget_what_the_pages_stored(app, staff):  # noqa: F811
    client = sign_in(app.test_client(), staff["frontdesk"])
    token = csrf_of(client, "/staff/frontdesk/")
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_idle_expiry_tells_the_browser_to_forget_too(app, staff):  # noqa: F811
    client = sign_in(app.test_client(), staff["frontdesk"])
    assert client.get("/staff/frontdesk/").status_code == 200
    with client.session_transaction() as session:
        session["staff_seen"] -= app.config["STAFF_IDLE_MINUTES"] * 60 + 60
    response = client.get("/staff/frontdesk/")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_a_session_ended_elsewhere_tells_the_browser_to_forget_too(app, db, staff):  # noqa: F811
    """Signed out on all devices from another computer: this tab's next staff
    request finds no session, and the browser forgets the stored list."""
    from portal.services.users import sign_out_everywhere

    client = sign_in(app.test_client(), staff["frontdesk"])
    assert client.get("/staff/frontdesk/").status_code == 200
    sign_out_everywhere(db.session.merge(staff["frontdesk"]))
    db.session.commit()
    response = client.get("/staff/frontdesk/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_staff_pages_ignore_the_familys_language_cookie(app, staff):  # noqa: F811
    client = sign_in(app.test_client(), staff["frontdesk"])
    client.get("/events?lang=ko")
    page = text_of(client.get("/staff/frontdesk/", headers={"Accept-Language": "en-US"}))
    assert '<html lang="en"' in page
    assert '<html lang="en"' in text_of(app.test_client().get("/staff/login?lang=en"))


def test_the_staff_language_is_kept_on_the_account_and_bad_choices_change_nothing(app, db, staff):  # noqa: F811
    user = staff["frontdesk"]
    client = sign_in(app.test_client(), user)
    page = text_of(client.get("/staff/account"))
    token = hidden_fields(page)["csrf_token"]
    bad = client.post("/staff/account", data={"csrf_token": token, "language": "xx"})
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(type(user), user.id).language is None
    good = client.post("/staff/account", data={"csrf_token": token, "language": "vi"})
    assert good.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).language == "vi"
    assert '<html lang="vi"' in text_of(client.get("/staff/frontdesk/", headers={"Accept-Language": "en"}))
    cleared = client.post("/staff/account", data={"csrf_token": token, "language": ""})
    assert cleared.status_code == 302
    assert '<html lang="es"' in text_of(client.get("/staff/frontdesk/", headers={"Accept-Language": "es"}))
