"""Operations library: each function takes boto3 clients (or a `Clients` factory), never creates them at import."""
