"""Officer workspace: worklists, counter intake, transitions and printed documents."""
