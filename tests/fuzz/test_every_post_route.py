"""Every route that takes a POST is fuzzed by one of the test files here."""

# (blueprint, its views that take a POST): a view moved to another blueprint
# is a change of its line's blueprint.
FUZZED_POST_VIEWS = [
    ("public", "register decline link_again manage_edit manage_cancel manage_delete"),  # test_family_forms
    ("public", "unsubscribe sms_inbound"),  # test_staff_forms: the family's links and webhooks
    ("auth", "login logout set_password account"),  # test_staff_forms
    ("admin", "invite_user edit_user reset_password privacy_export"),  # test_staff_forms: staff accounts
    ("organizer", "new_event edit_event change_status duplicate_event add_registration edit_registration "
                  "cancel_registration promote_registration restore_registration cancel_burst new_message"),
    ("public", "invitation invitation_decline"),  # test_family_forms: a household's personal link
    ("organizer", "invite invitation_follow_up"),  # test_staff_forms: inviting families
    ("roster", "upload columns confirm cancel"),  # test_roster_forms
    ("organizer", "record_call"),  # test_reach_forms: the call list of families not yet reached
    ("frontdesk", "scan check_in admit undo walk_in no_shows"),  # test_frontdesk_forms (no_shows: test_staff_forms)
]


def test_fuzz_covers_every_post_route(app):
    fuzzed = {f"{blueprint}.{view}" for blueprint, views in FUZZED_POST_VIEWS for view in views.split()}
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert posted == fuzzed, "a POST route was added or removed: fuzz it in tests/fuzz and list it here"
