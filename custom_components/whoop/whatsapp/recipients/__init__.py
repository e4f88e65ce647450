"""A WhatsApp sender's recipients (config subentries): their flow and entities (notify, event, window)."""
