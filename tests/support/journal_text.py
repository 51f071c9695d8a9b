"""Journal text for tests: English a teacher might write, in a seeded random order, so that it
compresses about as badly as a real learner's prose (the SCORM capacity tests and the real-LMS check)."""

# Words of the kind a teacher writes in a reflection journal (our own sentences), for test text.
_SENTENCES = [
    "At the last meeting the family arrived early and waited in the hall while we finished talking.",
    "Next time I will greet them at the door and walk with them to the room.",
    "The mother asked twice what the new reading group would change for her son.",
    "I answered with program names before I answered with what he would do each day.",
    "She relaxed when the speech therapist described the small games they play on Tuesdays.",
    "Our agenda was printed in English only, so the interpreter translated it aloud.",
    "I want to send the agenda a week ahead in both languages and ask what they would add.",
    "When the father disagreed about the behaviour plan, the room went quiet for a long moment.",
    "I noticed that I wanted to defend the plan instead of asking what he had seen at home.",
    "He described mornings when his daughter refuses to get on the bus, and nobody at school knew.",
    "That changed the conversation more than any data sheet we brought.",
    "We agreed to try a visual schedule at home and at school for three weeks.",
    "I will call on Friday to hear how the first week went, before anything is written down.",
    "The principal joined late and sat at the head of the table, which felt formal.",
    "A round table and name cards for everyone might help families feel like partners.",
    "I realised I had not explained what a present level of performance means.",
    "Families deserve plain words, not the abbreviations we use with each other.",
    "The grandmother had notes from every meeting since kindergarten in a blue folder.",
    "Her notes were more complete than ours, and I told her so.",
    "I am going to ask families at the start what they hope to leave the meeting with.",
    "Some parents work evenings, so offering a morning call matters more than I assumed.",
    "When tension rose, summarising what each person said slowed the conversation down.",
    "I want to practise pausing before I answer a question that sounds like a complaint.",
    "The family left with a date for the next check-in and a phone number that works.",
]


_WHO = [
    "the mother",
    "the father",
    "the grandmother",
    "our principal",
    "the school psychologist",
    "the speech therapist",
    "the interpreter",
    "his aunt",
    "the resource teacher",
    "the nurse",
    "my co-teacher",
    "the family advocate",
    "the counselor",
    "the bus driver",
    "her older sister",
]
_DID = [
    "asked about",
    "brought notes on",
    "worried aloud about",
    "described",
    "questioned",
    "offered to help with",
    "disagreed about",
    "thanked us for",
    "wanted more detail on",
    "had not heard about",
    "suggested a change to",
    "remembered",
    "laughed about",
    "explained",
]
_WHAT = [
    "the reading group",
    "the morning routine",
    "the bus schedule",
    "the behaviour plan",
    "last year's goals",
    "the math assessment",
    "the visual schedule",
    "homework in two languages",
    "the lunchroom",
    "speech sessions",
    "recess conflicts",
    "the new aide",
    "field trip forms",
    "the progress report",
    "transition to middle school",
    "the sensory breaks",
]
_WHEN = [
    "in September",
    "before the winter break",
    "during the annual review",
    "on a Tuesday call",
    "at pickup",
    "in an email last week",
    "after the assembly",
    "at the spring conference",
    "over the phone",
    "in the hallway",
    "at the start of the meeting",
    "near the end",
]
_THEN = [
    "I listened without answering right away.",
    "We wrote it on the agenda for next time.",
    "Nobody on the team had an answer yet.",
    "I promised to call back by Friday.",
    "It changed how I saw the whole plan.",
    "I summarised it back to check I understood.",
    "The team agreed to try something new for three weeks.",
    "I felt defensive, and I noticed it.",
    "We looked at the data together.",
    "She seemed relieved to be asked.",
    "I should have explained the jargon first.",
    "We found a time that suited everyone.",
]


def varied_text(characters: int, seed: int = 1) -> str:
    """English words in a seeded random order with numbers between them: text no compressor can
    shrink much, to reach a capacity limit with the few entries a course has."""
    import random

    generator = random.Random(seed)
    vocabulary = sorted(
        {w.strip(".,").lower() for s in _SENTENCES + _THEN for w in s.split()}
        | {w for group in (_WHO, _DID, _WHAT, _WHEN) for phrase in group for w in phrase.split()}
    )
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < characters:
        words.append(generator.choice(vocabulary) if generator.random() < 0.8 else str(generator.randint(0, 99999)))
    return " ".join(words)[:characters].rstrip()
