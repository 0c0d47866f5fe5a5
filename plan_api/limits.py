"""The request limits, which must agree with each other (README, "Request limits").

gunicorn reads a request line of at most REQUEST_LINE bytes and header fields within REQUEST_FIELDS and
REQUEST_FIELD_SIZE, and refuses anything longer before Django sees it (414, 431). Django then refuses a query
string over MAX_QUERY_STRING_LENGTH bytes (414) and a query value over MAX_QUERY_VALUE_LENGTH characters (400,
naming the parameter): plan_api/middleware.py. For a client to get the answer that says what is wrong, and for
every value the API accepts to reach it, a value of the longest length must fit in the query string with the
other parameters, and the longest query string must fit in the request line with any path of the API.

gunicorn.conf.py and plan_api/settings.py read these; nothing here imports Django.
"""

REQUEST_LINE = 8190  # bytes: gunicorn's largest limit_request_line (its default is 4094)
REQUEST_FIELDS = 100  # gunicorn's default limit_request_fields
REQUEST_FIELD_SIZE = 8190  # bytes: gunicorn's default limit_request_field_size

# A Chinese character is three bytes of UTF-8, each sent as three characters: 新 is %E6%96%B0.
BYTES_PER_CHARACTER = 9
# Room in the query string for the other parameters a client sends beside the longest value (type, plan, page,
# page_size, ordering, script, format: under 300 bytes at their longest).
OTHER_PARAMETERS = 1024
# Room in the request line for the method, the path and the HTTP version: the API's longest paths, with a plan's
# slug and an initiative's slug or a term, are under 200 bytes.
METHOD_PATH_AND_VERSION = 1024


def query_limits_problem(max_query_string, max_query_value):
    """Why the two query limits do not agree with each other and with the request line, or None when they do."""
    least = BYTES_PER_CHARACTER * max_query_value + OTHER_PARAMETERS
    most = REQUEST_LINE - METHOD_PATH_AND_VERSION
    if max_query_string < least:
        return (
            f"MAX_QUERY_STRING_LENGTH must be at least {least} bytes, so that a value of MAX_QUERY_VALUE_LENGTH "
            f"({max_query_value}) Chinese characters, percent-encoded, fits with the other parameters; "
            f"it is {max_query_string}"
        )
    if max_query_string > most:
        return (
            f"MAX_QUERY_STRING_LENGTH must be at most {most} bytes, so that the query string fits in gunicorn's "
            f"request line ({REQUEST_LINE} bytes) with the method, the path and the HTTP version; "
            f"it is {max_query_string}"
        )
    return None
