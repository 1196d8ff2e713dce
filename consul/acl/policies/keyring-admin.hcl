# Gossip key rotation: consul keyring -list/-install/-use/-remove.
keyring = "write"
