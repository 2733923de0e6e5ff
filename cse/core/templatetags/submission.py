"""{% submission_token %}: the hidden one-time token of a create form (see cse.core.submission)."""

from django import template
from django.utils.safestring import SafeString

from cse.core.submission import submission_token_input

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    return submission_token_input()
