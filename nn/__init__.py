"""chainrule's neural-network layer: modules, layers, losses and optimizers built on ``autograd``."""

__all__: list[str] = []
