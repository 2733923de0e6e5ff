"""Notifications of a provvedimento to the applicants: App IO, e-mail or a letter, sent off the request path."""
