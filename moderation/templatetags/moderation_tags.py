from django import template

from moderation import rules

register = template.Library()


@register.filter
def can_read_moderation_log(user):
    return rules.can_read_log(user)
