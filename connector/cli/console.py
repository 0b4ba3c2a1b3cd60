"""The one way the CLI makes a rich console: data is printed as data.

Names, campaigns and error texts come from customers' systems. With rich's
defaults ``[red]`` in a company name would be read as markup and ``:x:`` in an
error text turned into an emoji, so every console here has both off; styling
is applied with :class:`rich.text.Text`, never by markup in a string.
"""

from __future__ import annotations

from rich.console import Console

__all__ = ["make_console"]


def make_console(*, stderr: bool = False, highlight: bool = False) -> Console:
    """A console that prints text exactly as given (no markup, no emoji codes)."""
    return Console(
        stderr=stderr, highlight=highlight, markup=False, emoji=False, soft_wrap=stderr
    )
