"""The community guideline categories the log starts with.

Each category is written in our own words from the source guidelines named in
``sources``: 000, 002, 003 and 004 are four organisations' community guidelines and 001
section 5 is the trust policy on negative comments and trolling. The communications
team adds, edits and retires categories in the portal from here on.
"""

from django.db import migrations

# slug, name, description for moderators, public wording, sources, raises safeguarding
CATEGORIES = [
    (
        "hateful-discriminatory",
        "Hateful or discriminatory content",
        "Prejudice or hate aimed at people for who they are: race, religion, sex or "
        "gender, nationality, disability, sexual orientation, transgender identity, age "
        "or any other characteristic. Record a hate-crime strand where one applies.",
        "Comments that attack or stir up hatred against people because of their race, "
        "religion, sex, gender, nationality, disability, sexuality, gender identity, age or "
        "any other part of who they are.",
        "000, 002, 003, 004",
        False,
    ),
    (
        "swearing-obscenity",
        "Swearing and obscenity",
        "Profanity, obscene or vulgar language, including words the platform filters "
        "did not catch.",
        "Swearing, obscene or vulgar language.",
        "000, 002, 003, 004",
        False,
    ),
    (
        "abuse",
        "Abuse of staff or the public",
        "Personal attacks, harassment, bullying or mean-spirited comments aimed at our "
        "staff, the people who use our services or anyone else taking part.",
        "Abusive, bullying or harassing comments about anyone, whether they are our staff, "
        "people who use our services or others joining in the conversation.",
        "000, 002, 003, 004, 001 §5.2",
        False,
    ),
    (
        "targeting-staff",
        "Targeting or naming a staff member",
        "A comment that singles out or names an individual member of staff. Concerns "
        "about a person belong in the complaints process, so signpost there.",
        "Comments that name or single out an individual member of staff. If you are "
        "unhappy with someone's care or conduct, please use our complaints process so it "
        "can be looked into properly.",
        "000, 002, 003, 004",
        False,
    ),
    (
        "threats-violence",
        "Threats and violence",
        "Threats of harm, violent language or content that promotes violence. Consider "
        "forwarding to the police.",
        "Threats, violent language or anything that encourages violence.",
        "000, 002, 003",
        False,
    ),
    (
        "sexual-content",
        "Sexual content",
        "Sexually explicit words, images or links.",
        "Sexually explicit words, pictures or links.",
        "000",
        False,
    ),
    (
        "inappropriate-links",
        "Links to inappropriate material",
        "Links, memes or GIFs leading to material that would breach these guidelines if "
        "posted directly.",
        "Links, memes or GIFs that lead to material breaking these guidelines.",
        "000, 002, 003",
        False,
    ),
    (
        "illegal-activity",
        "Illegal activity",
        "Discussing, encouraging or condoning crime, breaking copyright or contempt of "
        "court.",
        "Anything that breaks the law or encourages others to, including breaking "
        "copyright or contempt of court.",
        "000, 002, 003, 004",
        False,
    ),
    (
        "defamation",
        "Defamation",
        "Statements that could damage a person's or organisation's reputation and may be "
        "libellous. Consider legal advice and taking it offline (policy 5.2).",
        "Untrue statements that could damage someone's reputation.",
        "000, 002, 003, 004, 001 §5.2",
        False,
    ),
    (
        "personal-information",
        "Personal or confidential information",
        "Addresses, phone numbers, e-mail addresses, NHS numbers or other contact or "
        "health details about the commenter or anyone else, or a third party's private "
        "matters.",
        "Personal details such as home addresses, phone numbers, e-mail addresses or "
        "health information, about yourself or anyone else. Please keep these out of "
        "public comments for your own safety.",
        "000, 002, 003, 004, 001 §5.2",
        False,
    ),
    (
        "irrelevant-advertising",
        "Irrelevant advertising",
        "Promoting products, services or publications that have nothing to do with the "
        "conversation.",
        "Advertising products, services or publications that are not relevant to the "
        "conversation. Mentioning something useful that supports your point is fine.",
        "000, 002, 003, 004",
        False,
    ),
    (
        "misinformation",
        "Misinformation and conspiracy content",
        "False or misleading claims that could cause harm, conspiracy theories, and links "
        "to sources that knowingly spread them.",
        "False or misleading information that could harm people, conspiracy theories, or "
        "links to sources that deliberately spread them.",
        "000",
        False,
    ),
    (
        "impersonation",
        "Impersonation",
        "Pretending to be, or falsely claiming to speak for, a person or an organisation, "
        "including accounts copying our name or branding.",
        "Pretending to be someone else, or claiming to speak for a person or organisation "
        "when you do not.",
        "000, 004",
        False,
    ),
    (
        "spam-bots",
        "Spam and bots",
        "Unintelligible, off-topic or very long repeated messages, and fake or automated "
        "accounts hijacking the comments.",
        "Spam, off-topic or meaningless messages, floods of very long messages, and fake "
        "or automated accounts.",
        "000, 004",
        False,
    ),
    (
        "repetitive-provocation",
        "Repetitive provocation across posts",
        "The same person posting persistent, repeated negative comments across several "
        "posts to provoke a response. Consider a phased management plan (policy 5.3).",
        "Posting the same or similar negative comments again and again, across our posts, "
        "to provoke a reaction rather than add to the discussion.",
        "000, 004, 001 §5.3",
        False,
    ),
    (
        "offensive-profile",
        "Offensive username or profile image",
        "The account's name or profile picture is itself offensive, whatever the comment "
        "says.",
        "Accounts with an offensive name or profile picture.",
        "004",
        False,
    ),
    (
        "encouraging-breaches",
        "Encouraging others to breach",
        "Urging other people to post content that breaks these guidelines.",
        "Encouraging other people to post anything that breaks these guidelines.",
        "004",
        False,
    ),
    (
        "platform-terms",
        "Breach of the platform's own terms",
        "Content that breaks the social media platform's own rules; consider reporting it "
        "to the platform.",
        "Anything that breaks the rules of the social media platform itself.",
        "000, 004",
        False,
    ),
    (
        "safeguarding-concern",
        "Safeguarding concern",
        "Content suggesting a child or an adult at risk may be being harmed, or someone is "
        "at risk of harming themselves or others. Save the evidence and refer it: the "
        "safeguarding lead and the head of communications are told at once.",
        "Anything that suggests a child or an adult may be at risk of harm. We have a duty "
        "of care and will pass it to the right people so they can help.",
        "000",
        True,
    ),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("moderation", "Category")
    for order, (slug, name, description, public, sources, safeguarding) in enumerate(
        CATEGORIES, start=1
    ):
        Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "public_wording": public,
                "sources": sources,
                "raises_safeguarding": safeguarding,
                "order": order * 10,
            },
        )


def remove_categories(apps, schema_editor):
    Category = apps.get_model("moderation", "Category")
    Category.objects.filter(
        slug__in=[row[0] for row in CATEGORIES], entry_rows__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_moderation_log")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
