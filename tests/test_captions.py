"""Caption files of every format, read from real-looking fixtures, and every way they can be unreadable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.captions import parse_captions, read_caption_file
from ingest.errors import CaptionError, PvdError
from ingest.models import Cue

FIXTURES = Path(__file__).parent / "fixtures" / "captions"


def read(name: str) -> tuple[list[Cue], str]:
    return read_caption_file(FIXTURES / name)


def texts(cues: list[Cue]) -> list[str]:
    return [c.text for c in cues]


def assert_well_formed(cues: list[Cue]) -> None:
    assert cues
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    for cue in cues:
        assert 0 <= cue.start <= cue.end
        assert cue.text and cue.text == " ".join(cue.text.split())
        assert "<" not in cue.text and ">" not in cue.text


# --- YouTube auto captions ---------------------------------------------------------------------------------


def test_vtt_auto_captions__each_spoken_line_once_in_order():
    cues, fmt = read("auto-youtube.vtt")

    assert fmt == "vtt"
    assert len(cues) == 73  # 147 rolling and transition cues, 73 spoken lines, the jingle dropped
    assert len(set(texts(cues))) == len(cues)
    assert cues[0] == Cue(2.64, 6.663, "bonjour à tous et bienvenue dans ce premier rendez-vous")
    assert cues[1].text == "du cycle accompagner les petites villes de demain"
    assert cues[-1].text == "va nous parler de son expérience"
    assert cues[-1].start == pytest.approx(207.373)
    assert cues[-1].end == pytest.approx(210.449)


def test_vtt_auto_captions__the_whole_speech_comes_out_once_without_tags_or_jingle():
    cues, _ = read("auto-youtube.vtt")
    speech = " ".join(texts(cues))

    assert len(speech.split()) == 554  # every word of the speech, none repeated by the rolling cues
    assert speech.startswith("bonjour à tous et bienvenue dans ce premier rendez-vous du cycle accompagner")
    assert "une balade urbaine avec les habitants qui a permis de repérer des îlots dégradés" in speech
    assert "<c>" not in speech and "00:00" not in speech and "[Musique]" not in speech
    assert_well_formed(cues)


def test_vtt_auto_captions__each_line_lasts_until_the_next_one_starts():
    cues, _ = read("auto-youtube.vtt")

    for current, following in zip(cues, cues[1:]):
        assert current.end == following.start


# --- manual WebVTT ---------------------------------------------------------------------------------------


def test_vtt_manual__speaker_tags_notes_styles_and_identifiers_stay_out_of_the_text():
    cues, fmt = read("manuel.vtt")
    speech = " ".join(texts(cues))

    assert fmt == "vtt"
    assert len(cues) == 41
    assert cues[0] == Cue(4.2, 10.005, "Bonjour à toutes et à tous, et merci d'être venus jusqu'à Guise ce matin.")
    assert cues[-1].text == "N'oubliez pas de signer la feuille d'émargement en sortant. À tout de suite !"
    assert cues[-1].end == pytest.approx(233.959)
    assert "Claire Martin>" not in speech and "intervention-" not in speech
    assert "NOTE" not in speech and "Sous-titres relus" not in speech and "color: yellow" not in speech
    assert_well_formed(cues)


def test_vtt_manual__entities_and_italics_are_decoded():
    cues, _ = read("manuel.vtt")

    assert "Nous avons donc monté, avec la DDT & l'ANAH, une cellule de repérage." in texts(cues)
    assert "ce matin, une table ronde avec trois chefs de projet Petites villes de demain ;" in texts(cues)


def test_vtt_with_utf8_bom__first_cue_and_accents_intact():
    cues, fmt = read("bom.vtt")

    assert fmt == "vtt"
    assert texts(cues) == [
        "Bonjour, ici l'équipe du CAUE de l'Aisne.",
        "Ce replay a été sous-titré avec le Bloc-notes de Windows,",
        "qui ajoute une marque d'ordre des octets au début du fichier.",
        "Les accents doivent rester intacts : é, è, à, ç, œ.",
    ]
    assert (cues[0].start, cues[-1].end) == (1.0, 15.0)


# --- SRT, SBV ------------------------------------------------------------------------------------------------


def test_srt_studio_export__cues_with_windows_line_ends_and_two_line_text():
    cues, fmt = read("studio.srt")

    assert fmt == "srt"
    assert len(cues) == 25
    assert cues[0] == Cue(1.5, 5.646, "Bienvenue à Chauny pour cet atelier sur les espaces publics.")
    assert cues[2].text == "la place de l'Hôtel de Ville, les bords de l'Oise, puis la rue de la République."
    assert cues[-1] == Cue(124.057, 126.411, "Des questions avant de poursuivre ?")
    assert "Dans le cadre de Petites villes de demain, la commune a lancé" in texts(cues)
    assert_well_formed(cues)


def test_srt_in_windows_1252__accents_euro_and_curly_apostrophes_come_out_right():
    cues, fmt = read("windows-1252.srt")

    assert fmt == "srt"
    assert len(cues) == 6
    assert cues[0].text == "Élus, chefs de projet, bienvenue à Château-Thierry."
    assert cues[2].text == "« Réhabiliter plutôt que démolir », c’est notre fil conducteur."
    assert cues[4].text == "Coût prévisionnel : 1,2 M€ hors taxes, financés à 80 %."
    assert cues[5] == Cue(23.3, 26.0, "Merci à l’équipe de maîtrise d’œuvre !")


def test_sbv_youtube_studio__cues_read_and_applause_dropped():
    cues, fmt = read("studio.sbv")

    assert fmt == "sbv"
    assert len(cues) == 10  # 11 blocks, one is only [Applaudissements]
    assert cues[0] == Cue(0.5, 4.898, "Bonjour, je suis Nadia Benali, cheffe de projet à Bohain-en-Vermandois.")
    assert cues[2].text == "Il a été élaboré avec le CAUE en six mois, à partir du diagnostic partagé."
    assert cues[-1] == Cue(43.084, 44.805, "Merci de votre attention.")
    assert not any("Applaudissements" in t for t in texts(cues))


# --- youtube-transcript-api JSON -----------------------------------------------------------------------------


def test_json_from_youtube_transcript_api__escaped_accents_line_breaks_and_noise():
    cues, fmt = read("youtube-transcript-api.json")

    assert fmt == "json"
    assert len(cues) == 27  # 30 snippets, two [Musique] and one [Applaudissements]
    assert cues[0] == Cue(4.0, 8.597, "bonjour à tous et bienvenue à cette")
    assert "donc les logements au-dessus sont vides" in texts(cues)
    assert cues[-1] == Cue(76.759, 81.089, "sont toujours là trois ans après")
    assert_well_formed(cues)


# --- text copied from YouTube's transcript panel -------------------------------------------------------------


def test_panel_text_with_timestamps_on_their_own_line__each_cue_ends_where_the_next_begins():
    cues, fmt = read("panneau-lignes.txt")

    assert fmt == "text"
    assert len(cues) == 20  # 21 timestamps, one is only [Musique]; the « Transcription » title is not speech
    assert cues[0] == Cue(3.0, 10.0, "bonjour à tous et bienvenue pour cette visite")
    assert "la commune l'a racheté il y a deux ans avec le soutien de la communauté de communes" in texts(cues)
    for current, following in zip(cues, cues[1:]):
        assert current.end <= following.start
    # the last cue lasts as long as its four words take to say (2.5 words a second)
    assert cues[-1] == Cue(139.0, 140.6, "faites attention aux marches")


def test_panel_text_with_inline_timestamps__hour_stamps_read_as_seconds():
    cues, fmt = read("panneau-en-ligne.txt")

    assert fmt == "text"
    assert len(cues) == 19  # one line is only [Rires]
    assert cues[0] == Cue(3550.0, 3559.0, "donc on reprend avec la question du stationnement")  # 59:10
    assert Cue(3605.0, 3614.0, "avant de prendre des décisions") in cues  # 1:00:05
    assert cues[-1] == Cue(3713.0, 3714.0, "merci beaucoup")  # 1:01:53, at least a second long
    # two lines share 1:00:42: both last until the next later timestamp
    same_start = [c for c in cues if c.start == 3642.0]
    assert [c.end for c in same_start] == [3652.0, 3652.0]


def test_panel_text__accessibility_duration_labels_are_not_speech():
    copied = "0:00\n0 seconde\nbonjour à tous\n1:04\n1 minute, 4 secondes\nbienvenue à Guise\n"

    assert parse_captions(copied, "text") == [
        Cue(0.0, 64.0, "bonjour à tous"),
        Cue(64.0, 65.2, "bienvenue à Guise"),
    ]


def test_srt_saved_as_txt__recognised_by_its_content(tmp_path):
    renamed = tmp_path / "export.txt"
    shutil.copy(FIXTURES / "studio.srt", renamed)

    cues, fmt = read_caption_file(renamed)

    assert fmt == "srt"
    assert cues == read("studio.srt")[0]


# --- failures --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "detail"),
    [
        ("vide.vtt", "WebVTT", "le fichier est vide"),
        ("tronque.vtt", "WebVTT", "ligne 9, horodatage invalide"),
        ("horodatages-casses.srt", "SubRip", "ligne 6"),
        ("pas-une-liste.json", "JSON", "un objet au lieu d'une liste"),
        ("sans-horodatage.txt", "transcription YouTube", "aucun horodatage"),
    ],
)
def test_unreadable_caption_file__french_error_names_the_file_the_format_and_the_fix(name, label, detail):
    with pytest.raises(CaptionError) as caught:
        read(name)

    error = caught.value
    assert isinstance(error, PvdError)
    assert name in error.cause and label in error.cause and detail in error.cause
    assert error.cause.startswith("Impossible de lire le fichier de sous-titres")
    assert "YouTube" in error.fix  # says where to get a good file
    assert str(error) == f"{error.cause}\n→ {error.fix}"


def test_missing_caption_file__error_says_to_check_the_catalogue(tmp_path):
    with pytest.raises(CaptionError) as caught:
        read_caption_file(tmp_path / "transcripts" / "S07.vtt")

    assert "S07.vtt" in caught.value.cause and "introuvable" in caught.value.cause
    assert "cycle.toml" in caught.value.fix


def test_caption_file_in_unknown_encoding__error_says_to_save_as_utf8(tmp_path):
    path = tmp_path / "S03.srt"
    # 0x81 is neither UTF-8 nor Windows-1252
    path.write_bytes(b"1\r\n00:00:01,000 --> 00:00:02,000\r\nR\x81habilitation\r\n")

    with pytest.raises(CaptionError) as caught:
        read_caption_file(path)

    assert "S03.srt" in caught.value.cause and "encodage" in caught.value.cause
    assert "UTF-8" in caught.value.fix


def test_caption_file_of_only_noise__no_cue_is_an_error(tmp_path):
    path = tmp_path / "S04.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:05,000\n[Musique]\n\n2\n00:00:05,000 --> 00:00:09,000\n♪♪\n")

    with pytest.raises(CaptionError, match="aucun sous-titre avec du texte"):
        read_caption_file(path)


def test_parse_captions__unknown_format_is_a_caption_error():
    with pytest.raises(CaptionError, match="format inconnu"):
        parse_captions("WEBVTT\n", "ass")
