"""Template tags that render what other apps registered in `genes.extensions`."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from genes.extensions import home_blocks

register = template.Library()


@register.simple_tag(takes_context=True)
def render_home_blocks(context: template.Context) -> SafeString:
    """Every registered home block, each with its own template and loader payload."""
    request = context.get("request")
    parts = [
        render_to_string(block.template, {"payload": block.loader()}, request=request)
        for block in home_blocks()
    ]
    return mark_safe("".join(parts))
