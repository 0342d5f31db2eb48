from django.urls import reverse


def test_the_login_page_is_served_to_anonymous_users(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"ReliefDesk" in response.content
