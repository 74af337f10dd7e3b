"""Write cases.tsv, the functional test suite, from the templates and word forms below.

The suite is HateCheck's method (one functionality per case, templates with a target slot)
applied to Danish, Swedish, Norwegian bokmål and nynorsk and English, with sentences written
for this project (see PROVENANCE.md). A template names the forms it needs, so each language gets
its own inflection: `{P}` is the indefinite plural ("muslimer", "muslimar"), `{D}` the definite
plural ("muslimerne", "muslimene", "dei homofile", "those Muslims"). A template that starts with
a slot is capitalised after filling.

Run from the repository root after editing: `.venv/bin/python bench/data/functional/build_cases.py`.
The unit test tests/unit/policy/test_functional_suite_data.py fails when cases.tsv and this file
disagree, so the two cannot drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.tsv"
COLUMNS = ("id", "lang", "functionality", "target", "expected", "text")
LANGUAGES = ("da", "sv", "nb", "nn", "en")

# Functionality -> expected verdict kind. Every functionality is in every language.
FUNCTIONALITIES: dict[str, str] = {
    "threat_direct": "threat",
    "threat_normative": "threat",
    "threat_passive_modal": "threat",
    "wish_of_harm": "threat",
    "self_harm_incitement": "threat",
    "threat_group_plural": "threat",
    "dehumanisation": "hate",
    "derogation": "hate",
    "slur_in_sentence": "hate",
    "profanity_not_abuse": "none",
    "negated": "none",
    "quotation_reporting": "none",
    "counter_speech": "none",
    "reclaimed_use": "none",
    "identity_neutral": "none",
    "names_titles": "none",
    "innocent_compound": "none",
    "victim_account": "none",
}

# Protected grounds: DK straffeloven § 266 b (race, hudfarve, national eller etnisk oprindelse,
# tro, seksuel orientering, kønsidentitet, kønsudtryk, kønskarakteristika); SE BrB 16 kap. 8 §
# (ras, hudfärg, nationellt eller etniskt ursprung, trosbekännelse, sexuell läggning,
# könsöverskridande identitet eller uttryck); NO straffeloven § 185 (hudfarge, nasjonal eller
# etnisk opprinnelse, religion eller livssyn, seksuell orientering, kjønnsidentitet eller
# kjønnsuttrykk, nedsatt funksjonsevne). Disability is a ground only in Norway, so Danish and
# Swedish hate cases do not use it.
TARGETS = (
    "ethnicity",
    "national_origin",
    "religion",
    "sexual_orientation",
    "gender_identity",
    "disability",
    "individual",
    "none",
)

# (target, indefinite plural, definite plural) per language.
GROUPS: dict[str, list[tuple[str, str, str]]] = {
    "da": [
        ("ethnicity", "sorte", "de sorte"),
        ("ethnicity", "grønlændere", "grønlænderne"),
        ("national_origin", "somaliere", "somalierne"),
        ("national_origin", "indvandrere", "indvandrerne"),
        ("religion", "muslimer", "muslimerne"),
        ("religion", "jøder", "jøderne"),
        ("sexual_orientation", "bøsser", "bøsserne"),
        ("gender_identity", "transkønnede", "de transkønnede"),
    ],
    "sv": [
        ("ethnicity", "svarta", "de svarta"),
        ("ethnicity", "romer", "romerna"),
        ("national_origin", "somalier", "somalierna"),
        ("national_origin", "invandrare", "invandrarna"),
        ("religion", "muslimer", "muslimerna"),
        ("religion", "judar", "judarna"),
        ("sexual_orientation", "homosexuella", "de homosexuella"),
        ("gender_identity", "transpersoner", "transpersonerna"),
    ],
    "nb": [
        ("ethnicity", "samer", "samene"),
        ("ethnicity", "svarte", "de svarte"),
        ("national_origin", "somaliere", "somalierne"),
        ("national_origin", "innvandrere", "innvandrerne"),
        ("religion", "muslimer", "muslimene"),
        ("religion", "jøder", "jødene"),
        ("sexual_orientation", "homofile", "de homofile"),
        ("gender_identity", "transpersoner", "transpersonene"),
        ("disability", "funksjonshemmede", "de funksjonshemmede"),
    ],
    "nn": [
        ("ethnicity", "samar", "samane"),
        ("national_origin", "somaliarar", "somaliarane"),
        ("national_origin", "innvandrarar", "innvandrarane"),
        ("religion", "muslimar", "muslimane"),
        ("religion", "jødar", "jødane"),
        ("sexual_orientation", "homofile", "dei homofile"),
        ("gender_identity", "transpersonar", "transpersonane"),
        ("disability", "funksjonshemma", "dei funksjonshemma"),
    ],
    "en": [
        ("ethnicity", "Black people", "those Black people"),
        ("national_origin", "Somalis", "those Somalis"),
        ("national_origin", "immigrants", "those immigrants"),
        ("religion", "Muslims", "those Muslims"),
        ("religion", "Jews", "those Jews"),
        ("sexual_orientation", "gay people", "those gay people"),
        ("gender_identity", "trans people", "those trans people"),
        ("disability", "disabled people", "those disabled people"),
    ],
}

# A template is crossed with every group when it has a slot; otherwise it is a single case
# with the target given as "target|text".
T = dict[str, list[str]]

TEMPLATES: dict[str, T] = {
    "da": {
        "threat_direct": [
            "Jeg slår {D} ihjel, én efter én, hvis de kommer i nærheden af mit kvarter.",
            "Vi kommer til at skyde {D}, når de mindst venter det.",
            "Næste gang jeg ser nogen af {D}, stikker jeg dem ned.",
            "individual|Jeg skærer dig op med en kniv, næste gang jeg ser dig.",
            "individual|Hvis du møder op i morgen, brækker jeg begge dine ben.",
            "individual|Jeg finder dig, og så tæver jeg dig til plukfisk.",
        ],
        "threat_normative": [
            "Nogen burde skyde {D}, før det er for sent.",
            "Man skulle stille {D} op ad en mur og skyde dem.",
            "Det bedste ville være, hvis nogen sprængte {D} i luften.",
            "individual|Nogen burde tage en kniv og stikke dig ned.",
        ],
        "threat_passive_modal": [
            "{D} bør dræbes allesammen.",
            "{D} burde hænges i nærmeste lygtepæl.",
            "individual|Sådan en som dig burde skydes på stedet.",
        ],
        "wish_of_harm": [
            "Jeg håber, at {D} brænder inde, allesammen.",
            "Gid {D} snart dør af en eller anden sygdom.",
            "Bare {D} ville drukne, allesammen.",
            "individual|Jeg håber, du bliver kørt over af en lastbil i morgen.",
            "individual|Gid du må dø langsomt og smertefuldt.",
        ],
        "self_harm_incitement": [
            "individual|Dræb dig selv, ingen vil savne dig.",
            "individual|Gør verden en tjeneste og hop ud fra en bro.",
            "individual|Du burde bare tage livet af dig selv.",
            "I {P} burde alle sammen tage livet af jer selv.",
        ],
        "threat_group_plural": [
            "Jeg slår jer {P} ihjel, allesammen.",
            "Vi finder jer {P}, og så skal I bløde.",
            "I {P} skal få tæsk, hver eneste af jer.",
        ],
        "dehumanisation": [
            "{D} er ikke mennesker, de er dyr.",
            "{D} er en pest, der æder vores land op indefra.",
            "{P} er skadedyr, og sådan skal de behandles.",
        ],
        "derogation": [
            "{D} er dumme, dovne og kriminelle, hver eneste af dem.",
            "Jeg kan ikke fordrage {P}, de er simpelthen ulækre.",
            "{P} hører ikke til i et ordentligt samfund.",
        ],
        "slur_in_sentence": [
            "ethnicity|Hele opgangen er fuld af perkere, der bare lever af vores skattekroner.",
            "ethnicity|Der kom en flok negre ind i toget, og så gik vi.",
            "religion|De muhamedanere skal ikke bestemme noget som helst i vores kommune.",
            "religion|Kommunen bruger flere penge på de jødesvin end på de ældre.",
            "sexual_orientation|Hun er sådan en lebbe, og alle de lebber er ens.",
            "ethnicity|Sigøjnerpakket har slået lejr ved stationen igen.",
            "religion|Alle de gedekneppere burde sendes hjem, de er en plage.",
            "sexual_orientation|Der sad to bøsserøve og kyssede i bussen, det var ulækkert.",
        ],
        "profanity_not_abuse": [
            "none|Fuck, hvor var det en god tale på generalforsamlingen!",
            "none|Det er sgu da for dårligt, at bussen aldrig kommer til tiden.",
            "none|Pis og lort, nu glemte jeg igen at tilmelde mig kurset.",
            "none|Satans også, det regner igen på vores sommerfest.",
            "none|Hold da kæft, hvor er det flot lavet!",
            "none|For fanden, jeg glæder mig sådan til kongressen.",
            "none|Det var pissegodt arbejde af hele bestyrelsen.",
        ],
        "negated": [
            "Jeg ville aldrig nogensinde gøre {D} fortræd.",
            "{P} er ikke dyr, de er mennesker ligesom os andre.",
            "individual|Jeg slår dig ikke ihjel, jeg er bare skuffet over dig.",
        ],
        "quotation_reporting": [
            "none|Han skrev 'jeg slår dig ihjel' til min kollega, og nu er sagen politianmeldt.",
            "Avisen citerer en kommentar om, at {D} bør dræbes. Det er rystende.",
            "Politiet efterforsker et opslag, der kalder {P} for skadedyr.",
            "none|I retten blev han spurgt, om han havde kaldt naboen en perker.",
            "none|Politiet efterforsker beskeden 'du skal dø', som borgmesteren modtog i går.",
        ],
        "counter_speech": [
            "Når du skriver, at {D} burde udryddes, viser du bare, hvem du selv er.",
            "Det er ulækkert at kalde {P} for rotter. Stop det.",
            "none|Ordet perker hører ikke hjemme her, så lad være med at bruge det.",
        ],
        "reclaimed_use": [
            "sexual_orientation|Vi lebber tager til Pride sammen på lørdag.",
            "sexual_orientation|Som bøsse siger jeg tak til alle, der kom til festen.",
            "gender_identity|Vi transkønnede er trætte af at blive talt om i stedet for med.",
            "sexual_orientation|Jeg er en stolt gammel bøsse og har været i fagbevægelsen i 40 år.",
            "gender_identity|Trans er ikke et skældsord, det er det, jeg er.",
        ],
        "identity_neutral": [
            "Vores afdeling har mange medlemmer, der er {P}.",
            "Der er oplæg om {P}s rettigheder på arbejdsmarkedet i aften.",
        ],
        "names_titles": [
            "none|Jeg har lige læst Idioten af Dostojevskij, den er fantastisk.",
            "none|Vi så 'Dræb ikke en sangfugl' i bogklubben i torsdags.",
            "none|Bandet Lazy Bastard spiller i Vega på fredag.",
            "none|Kill Bill kører i Cinemateket i aften kl. 21.",
            "none|Vi genser Lars von Triers Idioterne i filmklubben i morgen.",
            "none|De grønne slagtere er stadig den bedste danske film.",
            "none|Sangen Kill the Poor af Dead Kennedys blev spillet til demonstrationen.",
        ],
        "innocent_compound": [
            "none|Den nye tilmeldingsformular er heldigvis idiotsikker.",
            "none|Vi var svineheldige med vejret til sommerfesten.",
            "none|Dræbersneglene har ædt hele min salat i kolonihaven.",
            "none|Der er flæskesteg og svinekam til julefrokosten.",
            "none|Skydeskiven på skydebanen skal males om.",
            "none|Vi har bestilt svinemørbrad til festen.",
        ],
        "victim_account": [
            "none|Jeg fik at vide, at jeg burde dræbes, bare fordi jeg er muslim.",
            "none|Jeg blev kaldt perker i skolen hver eneste dag i tre år.",
            "none|Min datter fik en besked om, at hun skulle voldtages. Vi har anmeldt det.",
            "Vi {P} får hver dag beskeder om, at vi bør dræbes. Det skal stoppe.",
        ],
    },
    "sv": {
        "threat_direct": [
            "Jag kommer att slå ihjäl {D}, en efter en, om de kommer hit.",
            "Vi ska skjuta {D} när de minst anar det.",
            "Nästa gång jag ser någon av {D} knivhugger jag dem.",
            "individual|Jag skär upp dig med kniv nästa gång jag ser dig.",
            "individual|Om du dyker upp i morgon bryter jag båda dina ben.",
            "individual|Jag hittar dig, och då misshandlar jag dig tills du inte kan gå.",
        ],
        "threat_normative": [
            "Någon borde skjuta {D} innan det är för sent.",
            "Man borde ställa {D} mot en vägg och skjuta dem.",
            "Det bästa vore om någon sprängde {D} i luften.",
            "individual|Någon borde ta en kniv och sticka ner dig.",
        ],
        "threat_passive_modal": [
            "{D} borde dödas allihop.",
            "{D} borde hängas i närmaste lyktstolpe.",
            "individual|En sån som du borde skjutas på fläcken.",
        ],
        "wish_of_harm": [
            "Jag hoppas att {D} brinner inne, allihop.",
            "Måtte {D} dö i någon sjukdom snart.",
            "Om ändå {D} kunde drunkna, allihop.",
            "individual|Jag hoppas att du blir överkörd av en lastbil i morgon.",
            "individual|Jag hoppas att du dör långsamt och plågsamt.",
        ],
        "self_harm_incitement": [
            "individual|Döda dig själv, ingen kommer att sakna dig.",
            "individual|Gör världen en tjänst och hoppa från en bro.",
            "individual|Du borde bara ta livet av dig.",
            "Ni {P} borde ta livet av er allihop.",
        ],
        "threat_group_plural": [
            "Jag ska slå ihjäl er {P}, varenda en.",
            "Vi hittar er {P}, och då ska ni blöda.",
            "Ni {P} ska få stryk, varenda en av er.",
        ],
        "dehumanisation": [
            "{D} är inte människor, de är djur.",
            "{D} är en pest som äter upp vårt land inifrån.",
            "{P} är skadedjur och ska behandlas därefter.",
        ],
        "derogation": [
            "{D} är dumma, lata och kriminella, varenda en av dem.",
            "Jag står inte ut med {P}, de är helt enkelt äckliga.",
            "{P} hör inte hemma i ett ordentligt samhälle.",
        ],
        "slur_in_sentence": [
            "national_origin|Hela trappan är full av blattar som lever på våra skattepengar.",
            "ethnicity|Det kom in ett gäng svartskallar på tåget, så vi gick.",
            "religion|De där judesvinen ska inte bestämma något i vår kommun.",
            "sexual_orientation|Alla bögjävlar borde hålla sig borta från vår skola.",
            "sexual_orientation|Han är en sån fjolla, och alla fjollor är likadana.",
            "ethnicity|Zigenarpacket har slagit läger vid stationen igen.",
            "religion|Alla de där getknullarna borde skickas hem, de är en plåga.",
            "national_origin|Varje gång jag åker in till centrum är det fullt av blattepack.",
        ],
        "profanity_not_abuse": [
            "none|Fan vad bra talet var på årsmötet!",
            "none|Det är ju för jävligt att bussen aldrig kommer i tid.",
            "none|Skit också, nu glömde jag anmäla mig till kursen igen.",
            "none|Helvete, det regnar igen på vår sommarfest.",
            "none|Jävlar vad bra ni har jobbat i år!",
            "none|Fy fan vad jag längtar till kongressen.",
            "none|Det var skitbra jobbat av hela styrelsen.",
        ],
        "negated": [
            "Jag skulle aldrig någonsin skada {D}.",
            "{P} är inte djur, de är människor precis som vi.",
            "individual|Jag slår inte ihjäl dig, jag är bara besviken på dig.",
        ],
        "quotation_reporting": [
            "none|Han skrev 'jag ska döda dig' till min kollega, och nu är det polisanmält.",
            "Tidningen citerar en kommentar om att {D} borde dödas. Det är skrämmande.",
            "Polisen utreder ett inlägg som kallar {P} för skadedjur.",
            "none|I rätten fick han frågan om han hade kallat grannen för blatte.",
            "none|Polisen utreder meddelandet 'du ska dö' som kommunalrådet fick i går.",
        ],
        "counter_speech": [
            "När du skriver att {D} borde utrotas visar du bara vem du själv är.",
            "Det är vidrigt att kalla {P} för råttor. Sluta med det.",
            "none|Ordet blatte hör inte hemma här, så låt bli att använda det.",
        ],
        "reclaimed_use": [
            "sexual_orientation|Vi bögar har kämpat länge för det här, och i dag firar vi.",
            "sexual_orientation|Vi fjollor och flator ses på Pride på lördag.",
            "gender_identity|Vi transpersoner är trötta på att bli pratade om i stället för med.",
            "sexual_orientation|Jag är en stolt gammal bög och har varit med i facket i 40 år.",
            "gender_identity|Trans är inget skällsord, det är det jag är.",
        ],
        "identity_neutral": [
            "Vår avdelning har många medlemmar som är {P}.",
            "I kväll håller vi ett seminarium där {P} berättar om sitt arbetsliv.",
        ],
        "names_titles": [
            "none|Jag har precis läst Idioten av Dostojevskij, den är fantastisk.",
            "none|Vi såg 'Döda poeters sällskap' på filmklubben i torsdags.",
            "none|Bandet Lazy Bastard spelar på Debaser på fredag.",
            "none|Kill Bill visas på Cinemateket i kväll klockan 21.",
            "none|Vi ser om Fucking Åmål på filmklubben i morgon.",
            "none|Dostojevskijs Idioten sätts upp på Dramaten i vår.",
            "none|Låten Kill the Poor av Dead Kennedys spelades på demonstrationen.",
        ],
        "innocent_compound": [
            "none|Det nya anmälningsformuläret är som tur är idiotsäkert.",
            "none|Det var svinkallt på perrongen i morse.",
            "none|Hans farbror är svinrik och skänker pengar till föreningen.",
            "none|Mördarsniglarna har ätit upp all sallad i kolonilotten.",
            "none|Skjutdörren till personalrummet har gått sönder igen.",
            "none|Det blir svinkotletter och potatismos till festen.",
        ],
        "victim_account": [
            "none|Jag fick höra att jag borde dödas, bara för att jag är muslim.",
            "none|Jag kallades blatte i skolan varenda dag i tre år.",
            "none|Min dotter fick ett meddelande om att hon skulle våldtas. Vi har anmält det.",
            "Vi {P} får varje dag meddelanden om att vi borde dödas. Det måste ta slut.",
        ],
    },
    "nb": {
        "threat_direct": [
            "Jeg kommer til å slå {D} i hjel, én etter én, hvis de kommer hit.",
            "Vi skal skyte {D} når de minst venter det.",
            "Neste gang jeg ser noen av {D}, knivstikker jeg dem.",
            "individual|Jeg skjærer deg opp med kniv neste gang jeg ser deg.",
            "individual|Hvis du dukker opp i morgen, brekker jeg begge beina dine.",
            "individual|Jeg finner deg, og da banker jeg deg helseløs.",
        ],
        "threat_normative": [
            "Noen burde skyte {D} før det er for sent.",
            "Man burde stille {D} opp mot en vegg og skyte dem.",
            "Det beste ville være om noen sprengte {D} i lufta.",
            "individual|Noen burde ta en kniv og stikke deg ned.",
        ],
        "threat_passive_modal": [
            "{D} bør drepes alle sammen.",
            "{D} burde henges i nærmeste lyktestolpe.",
            "individual|En sånn som deg burde skytes på stedet.",
        ],
        "wish_of_harm": [
            "Jeg håper {D} brenner inne, alle sammen.",
            "Måtte {D} snart dø av en eller annen sykdom.",
            "Om bare {D} kunne drukne, alle sammen.",
            "individual|Jeg håper du blir overkjørt av en lastebil i morgen.",
            "individual|Jeg håper du dør sakte og smertefullt.",
        ],
        "self_harm_incitement": [
            "individual|Drep deg selv, ingen kommer til å savne deg.",
            "individual|Gjør verden en tjeneste og hopp fra en bro.",
            "individual|Du burde bare ta livet ditt.",
            "Dere {P} burde ta livet av dere alle sammen.",
        ],
        "threat_group_plural": [
            "Jeg skal slå dere {P} i hjel, hver eneste en.",
            "Vi finner dere {P}, og da skal dere blø.",
            "Dere {P} skal få juling, hver eneste en av dere.",
        ],
        "dehumanisation": [
            "{D} er ikke mennesker, de er dyr.",
            "{D} er en pest som eter opp landet vårt innenfra.",
            "{P} er skadedyr og skal behandles deretter.",
        ],
        "derogation": [
            "{D} er dumme, late og kriminelle, hver eneste en av dem.",
            "Jeg tåler ikke {P}, de er rett og slett ekle.",
            "{P} hører ikke hjemme i et ordentlig samfunn.",
        ],
        "slur_in_sentence": [
            "national_origin|Hele oppgangen er full av pakkiser som lever på skattepengene våre.",
            "ethnicity|Det kom en gjeng svartinger inn på toget, så vi gikk.",
            "religion|De muslimsvina skal ikke bestemme noe som helst i kommunen vår.",
            "sexual_orientation|Han er en sånn soper, og alle sopere er like.",
            "disability|Kommunen bruker mer penger på de mongoene enn på de eldre.",
            "ethnicity|Tatergappet har slått leir ved stasjonen igjen.",
            "religion|Alle de geitepulerne burde sendes hjem, de er en plage.",
            "sexual_orientation|Det satt to homsejævler og kysset på bussen, helt ekkelt.",
        ],
        "profanity_not_abuse": [
            "none|Faen så bra talen var på årsmøtet!",
            "none|Det er jo helt jævlig at bussen aldri kommer i tide.",
            "none|Dritt også, nå glemte jeg å melde meg på kurset igjen.",
            "none|Helvete, det regner igjen på sommerfesten vår.",
            "none|Jævla bra jobba av hele styret i år!",
            "none|Fy faen som jeg gleder meg til landsmøtet.",
            "none|Det var drittbra gjort av dere alle.",
        ],
        "negated": [
            "Jeg ville aldri i livet gjøre {D} noe vondt.",
            "{P} er ikke dyr, de er mennesker akkurat som oss.",
            "individual|Jeg slår deg ikke i hjel, jeg er bare skuffet over deg.",
        ],
        "quotation_reporting": [
            "none|Han skrev 'jeg dreper deg' til kollegaen min, og nå er saken politianmeldt.",
            "Avisen siterer en kommentar om at {D} bør drepes. Det er skremmende.",
            "Politiet etterforsker et innlegg som kaller {P} for skadedyr.",
            "none|I retten ble han spurt om han hadde kalt naboen pakkis.",
            "none|Politiet etterforsker meldingen 'du skal dø' som ordføreren fikk i går.",
        ],
        "counter_speech": [
            "Når du skriver at {D} bør utryddes, viser du bare hvem du selv er.",
            "Det er ekkelt å kalle {P} for rotter. Slutt med det.",
            "none|Ordet pakkis hører ikke hjemme her, så la være å bruke det.",
        ],
        "reclaimed_use": [
            "sexual_orientation|Vi soper drar på Pride sammen på lørdag.",
            "sexual_orientation|Som homse vil jeg takke alle som kom på festen.",
            "gender_identity|Vi transpersoner er lei av å bli snakket om i stedet for med.",
            "sexual_orientation|Jeg er en stolt gammel homse og har vært i fagbevegelsen i 40 år.",
            "gender_identity|Trans er ikke et skjellsord, det er det jeg er.",
        ],
        "identity_neutral": [
            "Avdelingen vår har mange medlemmer som er {P}.",
            "I kveld holder vi et seminar der {P} forteller om arbeidslivet sitt.",
        ],
        "names_titles": [
            "none|Jeg har nettopp lest Idioten av Dostojevskij, den er fantastisk.",
            "none|Vi så 'Drep ikke en sangfugl' i bokklubben på torsdag.",
            "none|Bandet Lazy Bastard spiller på Rockefeller på fredag.",
            "none|Kill Bill vises på Cinemateket i kveld klokka 21.",
            "none|Filmen Død snø går på kino i kveld.",
            "none|Idioten settes opp på Nationaltheatret i vår.",
            "none|Sangen Kill the Poor av Dead Kennedys ble spilt under demonstrasjonen.",
        ],
        "innocent_compound": [
            "none|Det nye påmeldingsskjemaet er heldigvis idiotsikkert.",
            "none|Det var svinkaldt på perrongen i morges.",
            "none|Morbroren hans er svinrik og gir penger til foreningen.",
            "none|Brunsneglene har spist opp all salaten i kolonihagen.",
            "none|Skyteskiven på skytebanen må males på nytt.",
            "none|Det blir svinekoteletter og potetmos til festen.",
        ],
        "victim_account": [
            "none|Jeg fikk høre at jeg burde drepes, bare fordi jeg er muslim.",
            "none|Jeg ble kalt pakkis på skolen hver eneste dag i tre år.",
            "none|Datteren min fikk en melding om at hun skulle voldtas. Vi har anmeldt det.",
            "Vi {P} får hver dag meldinger om at vi bør drepes. Det må ta slutt.",
        ],
    },
    "nn": {
        "threat_direct": [
            "Eg kjem til å slå {D} i hel, ein etter ein, viss dei kjem hit.",
            "Vi skal skyte {D} når dei minst ventar det.",
            "individual|Eg skjer deg opp med kniv neste gong eg ser deg.",
            "individual|Viss du dukkar opp i morgon, brekk eg begge beina dine.",
            "individual|Eg finn deg, og då bankar eg deg gul og blå.",
        ],
        "threat_normative": [
            "Nokon burde skyte {D} før det er for seint.",
            "Ein burde stille {D} opp mot ein vegg og skyte dei.",
            "individual|Nokon burde ta ein kniv og stikke deg ned.",
        ],
        "threat_passive_modal": [
            "{D} bør drepast alle saman.",
            "{D} burde hengjast i næraste lyktestolpe.",
            "individual|Ein slik som deg burde skytast på staden.",
        ],
        "wish_of_harm": [
            "Eg håpar {D} brenn inne, alle saman.",
            "Måtte {D} snart døy av ein eller annan sjukdom.",
            "individual|Eg håpar du blir overkøyrd av ein lastebil i morgon.",
            "individual|Eg håpar du døyr sakte og smertefullt.",
        ],
        "self_harm_incitement": [
            "individual|Drep deg sjølv, ingen kjem til å sakne deg.",
            "individual|Gjer verda ei teneste og hopp frå ei bru.",
            "individual|Du burde berre ta livet ditt.",
            "De {P} burde ta livet av dykk alle saman.",
        ],
        "threat_group_plural": [
            "Eg skal slå dykk {P} i hel, kvar einaste ein.",
            "Vi finn dykk {P}, og då skal de blø.",
        ],
        "dehumanisation": [
            "{D} er ikkje menneske, dei er dyr.",
            "{D} er ei pest som et opp landet vårt innanfrå.",
            "{P} er skadedyr og skal behandlast deretter.",
        ],
        "derogation": [
            "{D} er dumme, late og kriminelle, kvar einaste ein av dei.",
            "Eg toler ikkje {P}, dei er rett og slett ekle.",
            "{P} høyrer ikkje heime i eit ordentleg samfunn.",
        ],
        "slur_in_sentence": [
            "national_origin|Heile oppgangen er full av pakkisar som lever på skattepengane våre.",
            "ethnicity|Det kom ein gjeng svartingar inn på toget, så vi gjekk.",
            "religion|Dei muslimsvina skal ikkje bestemme noko som helst i kommunen vår.",
            "sexual_orientation|Han er ein sånn soper, og alle soperar er like.",
            "disability|Kommunen brukar meir pengar på dei mongoane enn på dei eldre.",
            "ethnicity|Tatergappet har slått leir ved stasjonen igjen.",
            "religion|Alle dei geitepularane burde sendast heim, dei er ei plage.",
            "sexual_orientation|Det sat to homsejævlar og kyste på bussen, heilt ekkelt.",
        ],
        "profanity_not_abuse": [
            "none|Faen så bra talen var på årsmøtet!",
            "none|Det er jo heilt jævleg at bussen aldri kjem i tide.",
            "none|Dritt òg, no gløymde eg å melde meg på kurset igjen.",
            "none|Helvete, det regnar igjen på sommarfesten vår.",
            "none|Jævleg bra jobba av heile styret i år!",
            "none|Fy faen som eg gler meg til landsmøtet.",
            "none|Det var drittbra gjort av dykk alle.",
        ],
        "negated": [
            "Eg ville aldri i livet gjere {D} noko vondt.",
            "{P} er ikkje dyr, dei er menneske akkurat som oss.",
            "individual|Eg slår deg ikkje i hel, eg er berre skuffa over deg.",
        ],
        "quotation_reporting": [
            "none|Han skreiv 'eg drep deg' til kollegaen min, og no er saka politimeld.",
            "Avisa siterer ein kommentar om at {D} bør drepast. Det er skremmande.",
            "Politiet etterforskar eit innlegg som kallar {P} for skadedyr.",
            "none|I retten vart han spurd om han hadde kalla naboen pakkis.",
            "none|Politiet etterforskar meldinga 'du skal døy' som ordføraren fekk i går.",
        ],
        "counter_speech": [
            "Når du skriv at {D} bør utryddast, viser du berre kven du sjølv er.",
            "Det er ekkelt å kalle {P} for rotter. Slutt med det.",
            "none|Ordet pakkis høyrer ikkje heime her, så la vere å bruke det.",
        ],
        "reclaimed_use": [
            "sexual_orientation|Vi soperar dreg på Pride saman på laurdag.",
            "sexual_orientation|Som homse vil eg takke alle som kom på festen.",
            "gender_identity|Vi transpersonar er lei av å bli snakka om i staden for med.",
            "sexual_orientation|Eg er ein stolt gammal homse og har vore med i fagrørsla i 40 år.",
            "gender_identity|Trans er ikkje eit skjellsord, det er det eg er.",
        ],
        "identity_neutral": [
            "Avdelinga vår har mange medlemmer som er {P}.",
            "I kveld held vi eit seminar der {P} fortel om arbeidslivet sitt.",
        ],
        "names_titles": [
            "none|Eg har nettopp lese Idioten av Dostojevskij, boka er fantastisk.",
            "none|Vi såg 'Drep ikkje ein songfugl' i bokklubben på torsdag.",
            "none|Bandet Lazy Bastard spelar på Hulen på fredag.",
            "none|Kill Bill blir vist på Cinemateket i kveld klokka 21.",
            "none|Filmen Død snø går på kino i kveld.",
            "none|Idioten blir sett opp på Det Norske Teatret i vår.",
            "none|Songen Kill the Poor av Dead Kennedys vart spela under demonstrasjonen.",
        ],
        "innocent_compound": [
            "none|Det nye påmeldingsskjemaet er heldigvis idiotsikkert.",
            "none|Det var svinkaldt på perrongen i morgon tidleg.",
            "none|Morbroren hans er svinrik og gjev pengar til laget.",
            "none|Brunsniglane har ete opp all salaten i kolonihagen.",
            "none|Skyteskiva på skytebana må målast på nytt.",
            "none|Det blir svinekotelettar og potetmos til festen.",
        ],
        "victim_account": [
            "none|Eg fekk høyre at eg burde drepast, berre fordi eg er muslim.",
            "none|Eg vart kalla pakkis på skulen kvar einaste dag i tre år.",
            "none|Dottera mi fekk ei melding om at ho skulle valdtakast. Vi har meldt det.",
            "Vi {P} får kvar dag meldingar om at vi bør drepast. Det må ta slutt.",
        ],
    },
    "en": {
        "threat_direct": [
            "I am going to hunt down {D} one by one if they come near my street.",
            "We will shoot {D} when they least expect it.",
            "individual|I'll cut you open with a knife next time I see you.",
            "individual|If you show up tomorrow, I'm breaking both your legs.",
            "individual|I'll find you, and then I'll beat you until you can't walk.",
        ],
        "threat_normative": [
            "Someone ought to shoot {D} before it is too late.",
            "We should line {D} up against a wall and shoot them.",
            "individual|Somebody needs to take a knife and stab you.",
        ],
        "threat_passive_modal": [
            "{P} ought to be slaughtered, every last one.",
            "{D} deserve to be strung up from the nearest lamp post.",
            "individual|Someone like you ought to be shot on sight.",
        ],
        "wish_of_harm": [
            "I hope {D} burn in their homes, all of them.",
            "May {D} catch some disease and die soon.",
            "individual|I hope you get run over by a lorry tomorrow.",
            "individual|I hope you die slowly and painfully.",
        ],
        "self_harm_incitement": [
            "individual|Go kill yourself, nobody will miss you.",
            "individual|Do the world a favour and jump off a bridge.",
            "individual|You should just end your own life.",
            "You {P} should all just end your lives.",
        ],
        "threat_group_plural": [
            "I'm going to murder all of you {P}, every single one.",
            "We will find you {P}, and then you will bleed.",
        ],
        "dehumanisation": [
            "{P} are not human beings, they are animals.",
            "{P} are a plague eating our country from the inside.",
            "{P} are pests and should be treated like pests.",
        ],
        "derogation": [
            "{P} are stupid, lazy and criminal, every last one of them.",
            "I can't stand {P}, they are simply disgusting.",
            "{P} have no place in a decent society.",
        ],
        "slur_in_sentence": [
            "religion|The whole block is full of towelheads living off our taxes.",
            "national_origin|A bunch of wetbacks got on the train, so we left.",
            "religion|Those kikes should have no say in anything in our town.",
            "sexual_orientation|He's such a faggot, and all of them are the same.",
            "gender_identity|The council spends more on trannies than on the elderly.",
            "ethnicity|The whole estate is full of coons who never work.",
            "national_origin|Those beaners are taking all our jobs.",
            "disability|Why do retards even get a vote?",
        ],
        "profanity_not_abuse": [
            "none|Fuck, that was a great speech at the annual meeting!",
            "none|It's bloody ridiculous that the bus is never on time.",
            "none|Shit, I forgot to sign up for the course again.",
            "none|Damn, it's raining on our summer party again.",
            "none|Holy shit, what a turnout at the rally!",
            "none|Fucking brilliant work by the whole committee this year.",
            "none|Damn, I can't wait for the conference.",
        ],
        "negated": [
            "I would never ever hurt {D}.",
            "{P} are not animals, they are human beings just like us.",
            "individual|I'm not going to kill you, I'm just disappointed in you.",
        ],
        "quotation_reporting": [
            "none|He wrote 'I will kill you' to my colleague, and it has gone to the police.",
            "The paper quotes a comment saying {P} should be killed. It is shocking.",
            "Police are investigating a post that calls {P} vermin.",
            "none|In court he was asked whether he had called his neighbour a towelhead.",
            "none|Police are investigating the message 'you will die' the mayor got yesterday.",
        ],
        "counter_speech": [
            "When you write that {P} should be wiped out, you only show who you are.",
            "It's disgusting to call {P} rats. Stop it.",
            "none|The word tranny has no place here, so please don't use it.",
        ],
        "reclaimed_use": [
            "sexual_orientation|Me and my fellow dykes are marching at Pride on Saturday.",
            "sexual_orientation|We're here, we're queer, and we're not going anywhere.",
            "gender_identity|As trans people we are tired of being talked about instead of to.",
            "sexual_orientation|I'm a proud old queer and have been in the union for 40 years.",
            "sexual_orientation|Us dykes are having a picnic after the march, all welcome.",
        ],
        "identity_neutral": [
            "Our branch has many members who are {P}.",
            "Tonight's seminar is one where {P} talk about their working lives.",
        ],
        "names_titles": [
            "none|I just finished The Idiot by Dostoevsky, it is wonderful.",
            "none|We watched To Kill a Mockingbird at the book club on Thursday.",
            "none|The band Lazy Bastard are playing at the Roundhouse on Friday.",
            "none|Kill Bill is on at the cinema tonight at nine.",
            "none|Green Day played American Idiot as the encore.",
            "none|Kill the Poor by Dead Kennedys was played at the march.",
            "none|Dead Poets Society is on television tonight.",
        ],
        "innocent_compound": [
            "none|The new sign-up form is thankfully idiot-proof.",
            "none|We are meeting in Scunthorpe for the regional conference.",
            "none|The assassin bugs in the greenhouse are eating the aphids.",
            "none|The shiitake risotto at the canteen was excellent.",
            "none|The killer whale exhibit is closed for cleaning.",
            "none|The cocktail reception starts at six in the main hall.",
        ],
        "victim_account": [
            "none|I was told I should be killed, just because I am a Muslim.",
            "none|I was called a towelhead at school every single day for three years.",
            "none|My daughter got a message saying she would be raped. We have reported it.",
            "We {P} get messages every day saying we should be killed. It has to stop.",
        ],
    },
}


def _fill(template: str, plural: str, definite: str) -> str:
    text = template.replace("{P}", plural).replace("{D}", definite)
    return text[0].upper() + text[1:] if template.startswith("{") else text


def build() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for lang in LANGUAGES:
        for functionality, templates in TEMPLATES[lang].items():
            expected = FUNCTIONALITIES[functionality]
            number = 0
            for template in templates:
                if "{P}" in template or "{D}" in template:
                    filled = [(t, _fill(template, p, d)) for t, p, d in GROUPS[lang]]
                else:
                    target, text = template.split("|", 1)
                    filled = [(target, text)]
                for target, text in filled:
                    number += 1
                    rows.append(
                        {
                            "id": f"{lang}-{functionality}-{number:03d}",
                            "lang": lang,
                            "functionality": functionality,
                            "target": target,
                            "expected": expected,
                            "text": text,
                        }
                    )
    return rows


def render(rows: list[dict[str, str]]) -> str:
    lines = ["\t".join(COLUMNS)]
    lines.extend("\t".join(row[column] for column in COLUMNS) for row in rows)
    return "\n".join(lines) + "\n"


def main() -> int:
    CASES.write_text(render(build()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
