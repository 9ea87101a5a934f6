from django.db import models


class Platform(models.TextChoices):
    X = "x", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    THREADS = "threads", "Threads"
    BLUESKY = "bluesky", "Bluesky"
    VIMEO = "vimeo", "Vimeo"
    OTHER = "other", "Other"

    @classmethod
    def offers_verification(cls, value):
        """Whether the platform has a verified badge an organisation can apply for."""
        return value in {
            cls.X,
            cls.FACEBOOK,
            cls.INSTAGRAM,
            cls.YOUTUBE,
            cls.LINKEDIN,
            cls.TIKTOK,
            cls.THREADS,
            cls.BLUESKY,
        }
