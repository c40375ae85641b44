"""API helpers every app's API shares: the JSON:API-style page and the query-string grammar."""
