"""A change run: one question located on two dates over their common ground, targets matched between them."""
