"""The only home of httpx and keyring: the Live Commerce API client, its event stream reader,
one retry policy, typed errors and the keychain wrapper."""
