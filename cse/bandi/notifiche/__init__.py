"""Notifications of a provvedimento to the applicants: App IO, e-mail or a letter to print, sent off the request path."""
