from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``row|get_item:"below"`` for the counts tables, whose keys are health values."""
    return mapping.get(key, "")


@register.filter
def absolute(value):
    return abs(value)
