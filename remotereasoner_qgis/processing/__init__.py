"""Processing integration: the RemoteReasoner provider and its `remotereasoner:reason` algorithm."""
