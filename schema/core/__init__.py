"""What every capability's schema shares: context, problems, permissions, loaders."""
