def test_api_index_links_to_the_plans(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["plans"] == "http://testserver/api/v1/plans/"
