"""chainrule's pictures and explanations: graphs with values, gradients and local derivatives."""

__all__: list[str] = []
