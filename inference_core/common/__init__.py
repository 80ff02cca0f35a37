"""What every engine layer shares: the typed records that flow between stages and the engine's errors."""
