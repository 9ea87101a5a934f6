def test_home_asks_a_signed_out_visitor_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_home_greets_a_signed_in_member(as_user, member):
    response = as_user(member).get("/")
    assert response.status_code == 200
    assert "Proposals waiting for you" in response.content.decode()
