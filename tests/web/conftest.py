import pytest
from django.test import Client

# What a browser sends: HTML first, anything else after.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def browser_client():
    """A client that asks for pages as a browser does."""
    return Client(HTTP_ACCEPT=BROWSER_ACCEPT)
