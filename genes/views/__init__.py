"""Public server-rendered pages of the genes app; thin views over selectors and statistics."""

from genes.views.browser import gene_list, gene_suggest
from genes.views.detail import gene_detail
from genes.views.pages import about, home, statistics, tier_stylesheet

__all__ = [
    "about",
    "gene_detail",
    "gene_list",
    "gene_suggest",
    "home",
    "statistics",
    "tier_stylesheet",
]
