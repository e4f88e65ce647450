"""The WhatsApp sender side: a business number of the WhatsApp Cloud API and its recipients."""
