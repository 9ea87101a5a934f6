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
    def is_video(cls, value):
        """Public video belongs on the trust's own channels on these platforms, where it
        can be shared and embedded from one place."""
        return value in {cls.YOUTUBE, cls.VIMEO}

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


# Where each platform's accounts live, so a link on the public register can only point
# at the real platform and never at a look-alike site.
PLATFORM_DOMAINS = {
    Platform.X: ("x.com", "twitter.com"),
    Platform.FACEBOOK: ("facebook.com", "fb.com"),
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.YOUTUBE: ("youtube.com", "youtu.be"),
    Platform.LINKEDIN: ("linkedin.com",),
    Platform.TIKTOK: ("tiktok.com",),
    Platform.THREADS: ("threads.net", "threads.com"),
    Platform.BLUESKY: ("bsky.app",),
    Platform.VIMEO: ("vimeo.com",),
}


def is_on(host, domains):
    """Whether ``host`` (lower case) is one of ``domains`` or a part of one."""
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


def platform_of_host(host):
    """The platform whose site ``host`` (lower case) is on, or None."""
    for platform, domains in PLATFORM_DOMAINS.items():
        if is_on(host, domains):
            return platform
    return None
