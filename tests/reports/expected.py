"""What the reference scenario's press releases must say, sentence by sentence, in each language.

Written by hand from reference.json so that a change of wording is a decision, not an accident. Whitespace
is compared normalised (the releases keep numbers and their nouns together with no-break spaces).
"""

from __future__ import annotations

CEREMONY = {
    "en": {
        "headline": "Commemoration ceremony for the victims of the Khojaly tragedy",
        "kicker": "20th anniversary · 26 February 1992",
        "dateline": "Baku, 25 February 2012",
        "lead": (
            "On 25 February 2012, from 10:00 to 11:30, the State Migration Service held “Commemoration ceremony "
            "for the victims of the Khojaly tragedy”. It took place in the Assembly hall. The ceremony was "
            "presided over by major-general Firudin Nabiyev, Head of the Service."
        ),
        "agenda": [
            "One minute's silence in remembrance of the victims.",
            "Speech on the history of the tragedy and its international recognition. Speaker: III rank state "
            "migration service counsellor Parviz Musayev, Deputy Head of the Service.",
            "Review of the exhibition. Led by major-general Firudin Nabiyev, Head of the Service.",
        ],
        "attendance": "The ceremony was attended by representatives of 1 unit, 10 people in all.",
        "organisation": "State Migration Service",
        "contact": "Press contact: press@migration.example.org",
    },
    "az": {
        "headline": "Xocalı faciəsi qurbanlarının anım mərasimi",
        "kicker": "20-ci ildönümü · 26 fevral 1992-ci il",
        "dateline": "Bakı, 25 fevral 2012-ci il",
        "lead": (
            "25 fevral 2012-ci il tarixində saat 10:00–11:30 arasında Dövlət Miqrasiya Xidməti tərəfindən "
            "“Xocalı faciəsi qurbanlarının anım mərasimi” keçirilib. Məkan: İclas zalı. Tədbirə xidmətin rəisi, "
            "general-mayor Firudin Nəbiyev sədrlik edib."
        ),
        "agenda": [
            "Qurbanların xatirəsinin bir dəqiqəlik sükutla yad edilməsi.",
            "Faciənin tarixi və beynəlxalq aləmdə tanınması barədə çıxış. Çıxış edən: xidmətin rəis müavini, "
            "III dərəcəli dövlət miqrasiya xidməti müşaviri Pərviz Musayev.",
            "Sərgiyə baxış. Aparıcı: xidmətin rəisi, general-mayor Firudin Nəbiyev.",
        ],
        "attendance": "Tədbirdə 1 struktur bölmənin nümayəndələri, cəmi 10 nəfər iştirak edib.",
        "organisation": "Dövlət Miqrasiya Xidməti",
        "contact": "Mətbuat üçün əlaqə: press@migration.example.org",
    },
    "ru": {
        "headline": "Траурная церемония памяти жертв Ходжалинской трагедии",
        "kicker": "20-я годовщина · 26 февраля 1992 года",
        "dateline": "Баку, 25 февраля 2012 года",
        "lead": (
            "25 февраля 2012 года с 10:00 до 11:30 состоялось мероприятие «Траурная церемония памяти жертв "
            "Ходжалинской трагедии». Организатор — Государственная миграционная служба. Место проведения — "
            "Актовый зал. Председательствующий — начальник Службы, генерал-майор Фирудин Набиев."
        ),
        "agenda": [
            "Минута молчания в память о жертвах.",
            "Выступление об истории трагедии и её международном признании. Выступающий — заместитель начальника "
            "Службы, государственный советник миграционной службы III ранга Парвиз Мусаев.",
            "Осмотр выставки. Ведущий — начальник Службы, генерал-майор Фирудин Набиев.",
        ],
        "attendance": "В мероприятии приняли участие представители 1 подразделения, всего 10 человек.",
        "organisation": "Государственная миграционная служба",
        "contact": "Контакты для прессы: press@migration.example.org",
    },
}

EXHIBITION = {
    "en": (
        "The exhibition was open from 22 February to 1 March 2012, daily from 09:00 to 18:00. Venue: Waiting hall "
        "for foreigners and stateless persons. Materials were presented in Azerbaijani, Russian, and English."
    ),
    "az": (
        "Sərgi 22 fevral – 1 mart 2012-ci il tarixlərində hər gün saat 09:00–18:00 arasında açıq olub. Məkan: "
        "Əcnəbilər və vətəndaşlığı olmayan şəxslər üçün gözləmə zalı. Materiallar azərbaycan, rus və ingilis "
        "dillərində təqdim olunub."
    ),
    "ru": (
        "Выставка работала с 22 февраля по 1 марта 2012 года ежедневно с 09:00 до 18:00. Место проведения — Зал "
        "ожидания для иностранцев и лиц без гражданства. Языки материалов: азербайджанский, русский и английский."
    ),
}

SERIES_LEAD = {
    "en": (
        "From 22 February to 1 March 2012, the State Migration Service held 2 events as part of “Events for the "
        "20th anniversary of the Khojaly tragedy”."
    ),
    "az": (
        "22 fevral – 1 mart 2012-ci il tarixlərində Dövlət Miqrasiya Xidməti tərəfindən “Xocalı faciəsinin "
        "20-ci ildönümü ilə bağlı tədbirlər” çərçivəsində 2 tədbir keçirilib."
    ),
    "ru": (
        "С 22 февраля по 1 марта 2012 года в рамках серии «Мероприятия, посвящённые 20-й годовщине Ходжалинской "
        "трагедии» проведено 2 мероприятия. Организатор — Государственная миграционная служба."
    ),
}

SERIES_DATELINE = {"en": "Baku, 1 March 2012", "az": "Bakı, 1 mart 2012-ci il", "ru": "Баку, 1 марта 2012 года"}


def facts(language: str) -> list[str]:
    """Every sentence of the held ceremony's release, in reading order."""
    expected = CEREMONY[language]
    return [
        expected["kicker"], expected["headline"], expected["dateline"], expected["lead"], *expected["agenda"],
        expected["attendance"], expected["organisation"], expected["contact"],
    ]
