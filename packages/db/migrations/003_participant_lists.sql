-- 003 participant lists (списки участников ДЭГ), Procedure section 3 and P-7.2–P-7.4, at national
-- scale: one list per election and region (P-3.2), millions of rows in the largest.
--
-- The rules of packages/deg/src/participant-lists.ts, stated again where every writer meets them:
-- - P-3.3 after compilation nobody is added: a trigger refuses inserts into a compiled list;
-- - P-3.4 exclusion rests on a ground and a document, and is never undone;
-- - P-3.8 ballot access once, never on an excluded row;
-- - P-7.4 a frozen list (and its participants) never changes again;
-- - participants' personal data never change after loading, rows are never deleted.
-- Violations fail with SQLSTATE 23514 (CHECK) or 23001 (triggers) and a named constraint, which
-- src/participant-lists-store.ts maps to its stable error codes.
--
-- Alphabetical order (P-3.5, Appendices 1–3) and name search use `sort_key`, a generated key in the
-- "C" collation, rather than an ICU collation, although the embedded build has ICU: a LIKE-style
-- prefix range can use a btree only in "C"; base-letter equality (ё = е, ӑ = а, upper = lower)
-- needs a nondeterministic ICU collation, which btree prefix search cannot use at all; and an index
-- in "C" never has to be rebuilt when an ICU upgrade changes the collation. The key maps the
-- characters names may hold (participants_*_format) so that byte order is ICU's 'ru' order at base
-- strength, the order of compareParticipants in packages/deg (tested in test/participant-lists.test.ts).
--
-- Names may hold any Cyrillic letter of U+0400–U+052F, so that the lists of the republics load
-- (Chuvash ӑ ӗ ҫ ӳ, Tatar ә ө ү җ ң һ, Bashkir ғ ҡ ҙ ҫ, Yakut ҕ ҥ, Ossetian ӕ, Kazakh қ ұ і, ӏ), and
-- the Latin letters of U+0041–U+017F except those ICU expands into two letters at base strength
-- (Æ æ Œ œ Ĳ ĳ ß, and the deprecated ŉ): one letter must weigh one key character.
--
-- The key of one name part, one character a letter: each of ICU's 153 base letters among those
-- (measured with Intl.Collator('ru', {sensitivity: 'base'}): ё = е = ӗ, ӑ = ӓ = а, ӳ = у, ґ = ѓ = г,
-- ї = і, but ә, ӕ, ғ, ҙ, җ, ҡ, қ, ң, ҥ, ө, ҫ, ү, ұ, һ, й letters of their own, each in ICU's place)
-- onto U+0100.. in ICU's order, both cases alike, so that "C" byte order is ICU's order. Two UTF-8
-- bytes a letter: valid text (a key is text), and a byte order that is the code point order. The
-- two apostrophes go onto '/' and '0' (ICU 'ru' puts them after '.'); space, '-' and '.' keep their
-- bytes, already in ICU's order and below every letter. No lower(): the table holds both cases, so
-- the key does not depend on the server's Unicode tables either. The table is generated from the
-- collator by test/participant-lists.test.ts, which checks every letter against it. The order of
-- the pairs only shortens translate's linear scan of them, which would otherwise cost a name in
-- Tatar letters five times what a Russian one costs: Russian letters by frequency, lower then
-- upper case, then the letters of the republics' languages, then Latin, then the rest.
CREATE FUNCTION participant_name_key(part text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN translate(
    part,
    'оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъёОЕАИНТСРВЛКМДПУЯЫЬГЗБЧЙХЖШЮЦЩЭФЪЁәүөңҗһғҡҙҫӑӗӳқұіҕҥӕӏїґєўӘҮӨҢҖҺҒҠҘҪӐӖӲҚҰІҔҤӔӀЇҐЄЎabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïðñòóôõöøùúûüýþÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŊŋŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſЀЂЃЅЈЉЊЋЌЍЏѐђѓѕјљњћќѝџѠѡѢѣѤѥѦѧѨѩѪѫѬѭѮѯѰѱѲѳѴѵѶѷѸѹѺѻѼѽѾѿҀҁҊҋҌҍҎҏҜҝҞҟҦҧҨҩҬҭҲҳҴҵҶҷҸҹҼҽҾҿӁӂӃӄӅӆӇӈӉӊӋӌӍӎӒӓӚӛӜӝӞӟӠӡӢӣӤӥӦӧӪӫӬӭӮӯӰӱӴӵӶӷӸӹӺӻӼӽӾӿԀԁԂԃԄԅԆԇԈԉԊԋԌԍԎԏԐԑԒԓԔԕԖԗԘԙԚԛԜԝԞԟԠԡԢԣԤԥԦԧԨԩԪԫԬԭԮԯ''’',
    'ĺďĀĚıņŃŀĄħğįĊļŊŬŦŧąĔăśĝŏđţūřŤŪŎťďĺďĀĚıņŃŀĄħğįĊļŊŬŦŧąĔăśĝŏđţūřŤŪŎťďāŋĻĴēœĆĢĎŅĀďŊĠŌĜĈķĂŹĜąĐŊāŋĻĴēœĆĢĎŅĀďŊĠŌĜĈķĂŹĜąĐŊźŻżŽžſƀƁƂƄƅƆƇƈƊƋƌƎƏƐƒƓƔƕƖƗźŻżŽžſƀƁƂƄƅƆƇƈƊƋƌƎƏƐƒƓƔƕƖƗźźźźźźżžžžžƂƂƂƂŽƈƊƊƊƊƊƊƒƒƒƒƖƘźźźźźźżžžžžƂƂƂƂŽƈƊƊƊƊƊƊƒƒƒƒƖƘƖźźźźźźżżżżżżżżŽŽŽŽžžžžžžžžžžƀƀƀƀƀƀƀƀƁƁƁƁƂƂƂƂƂƂƂƂƂƃƄƄƅƅƍƆƆƆƆƆƆƆƆƆƆƈƈƈƈƈƈƉƉƊƊƊƊƊƊƎƎƎƎƎƎƏƏƏƏƏƏƏƏƐƐƐƐƑƑƒƒƒƒƒƒƒƒƒƒƒƒƔƔƖƖƖƗƗƗƗƗƗƏďČąėĞĬĸŉğĚŢďČąėĞĬĸŉğĚŢŕŕũũŮŮůůűűŰŰŲŲųųŴŴŵŵŶŶŶŶōōŘŘŗŗŖŖĿĿěěŨŨŁŁĤĤģģľľŷŷňňŒŒŚŚŝŝşşŠŠššđđġġĨĨĵĵĳĳŞŞİİĀĀāāđđĔĔĘĘĚĚĚĚĺĺĻĻŪŪŊŊŊŊśśĉĉŦŦććŐŐőőċċččĕĕęęĭĭĹĹńńŇŇĖĖĪĪĮĮłłŭŭĦĦŸŸĥĥīīĶĶĽĽŔŔĲĲĒĒŜŜĩĩ/0'
  );

-- The order of compareParticipants: surname, name, patronymic, date of birth, participant id, each
-- part ended by U+0001, which sorts before every character a name may hold, so that "Иванов"
-- comes before "Иванова" and before "Иванов-Петров" as a tuple comparison would have it. The date
-- is the day count since 1900 in six digits (to_char is not immutable); the id makes keys unique.
CREATE FUNCTION participant_sort_key(
  surname text, name text, patronymic text, birth_date date, participant_id text
) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN participant_name_key(surname) || chr(1) || participant_name_key(name) || chr(1)
    || participant_name_key(patronymic) || chr(1)
    || lpad((birth_date - DATE '1900-01-01')::text, 6, '0') || chr(1) || participant_id;

-- One list per election and region (P-3.2). Created and compiled in the transaction that loads it,
-- so an open (uncompiled) list is never seen by anyone else.
CREATE TABLE participant_lists (
  election_id        text NOT NULL REFERENCES elections (id),
  -- The region's code in the election's configuration (packages/deg/src/config.ts).
  region             text NOT NULL
                     CONSTRAINT participant_lists_region_format
                     CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  compiled_at        timestamptz,
  -- Set by the trigger at compilation from the rows themselves; 0 before.
  participant_count  integer NOT NULL DEFAULT 0,
  -- Kept by the participants' trigger in the same transaction as each exclusion and ballot access,
  -- so that the P-3.9 displays read two numbers instead of counting millions of rows.
  excluded_count     integer NOT NULL DEFAULT 0,
  ballots_issued     integer NOT NULL DEFAULT 0,
  -- P-7.2–P-7.3: the list as of the end of voting and its two numbers.
  frozen_at          timestamptz,
  final_on_list      integer,
  final_ballots_issued integer,
  PRIMARY KEY (election_id, region),
  CONSTRAINT participant_lists_counts_in_range CHECK (
    excluded_count BETWEEN 0 AND participant_count
    AND ballots_issued BETWEEN 0 AND participant_count
  ),
  CONSTRAINT participant_lists_frozen_after_compiled CHECK (
    frozen_at IS NULL OR (compiled_at IS NOT NULL AND frozen_at >= compiled_at)
  ),
  -- P-7.3: the final numbers are those of the list at the moment it was frozen.
  CONSTRAINT participant_lists_final_counts CHECK (
    (frozen_at IS NULL AND final_on_list IS NULL AND final_ballots_issued IS NULL)
    OR (frozen_at IS NOT NULL AND final_on_list IS NOT NULL AND final_ballots_issued IS NOT NULL
        AND final_on_list = participant_count - excluded_count
        AND final_ballots_issued = ballots_issued)
  )
);

CREATE TABLE participants (
  election_id        text NOT NULL,
  region             text NOT NULL,
  -- Opaque (P-3.1 list data); lower case, digits and '-' only, so that its byte order is also the
  -- localeCompare order compareParticipants breaks ties with.
  participant_id     text NOT NULL
                     CONSTRAINT participants_id_format CHECK (participant_id ~ '^[0-9a-z][0-9a-z-]{0,63}$'),
  -- Letters (Cyrillic of U+0400–U+052F, or Latin: see participant_name_key), single spaces, hyphens
  -- and apostrophes between them, a final dot: exactly the characters participant_name_key places,
  -- none of them below its U+0001 separator. U+0482–U+0489 (a sign, combining marks) are no letters.
  surname            text NOT NULL
                     CONSTRAINT participants_surname_format
                     CHECK (surname ~ '^[Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ]+([ ''’-][Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ]+)*\.?$' AND length(surname) <= 100),
  name               text NOT NULL
                     CONSTRAINT participants_name_format
                     CHECK (name ~ '^[Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ]+([ ''’-][Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ]+)*\.?$' AND length(name) <= 100),
  -- '' when there is none.
  patronymic         text NOT NULL DEFAULT ''
                     CONSTRAINT participants_patronymic_format
                     CHECK (patronymic ~ '^([Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ]+([ ''’-][Ѐ-ҁҊ-ԯA-Za-zÀ-ÅÇ-ÖØ-Þà-åç-öø-ÿĀ-ıĴ-ňŊ-őŔ-ſ]+)*\.?)?$' AND length(patronymic) <= 100),
  birth_date         date NOT NULL
                     CONSTRAINT participants_birth_date_range
                     CHECK (birth_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
  address            text NOT NULL
                     CONSTRAINT participants_address_text
                     CHECK (address <> '' AND length(address) <= 500 AND address !~ '[[:cntrl:]]'),
  -- As the list data give it: '+79130000000' or the form's '+7 (913) 000-00-00'.
  phone              text NOT NULL
                     CONSTRAINT participants_phone_format CHECK (phone ~ '^\+?[0-9][0-9 ()-]{5,24}$'),
  -- Shown on the list only once ballot access was granted (P-3.8).
  passport_series    text NOT NULL
                     CONSTRAINT participants_passport_series_format CHECK (passport_series ~ '^[0-9]{2} ?[0-9]{2}$'),
  passport_number    text NOT NULL
                     CONSTRAINT participants_passport_number_format CHECK (passport_number ~ '^[0-9]{6}$'),
  -- Home precinct (УИК) number, as in the configuration; the Appendix 3 register it goes to.
  precinct           text NOT NULL
                     CONSTRAINT participants_precinct_format CHECK (precinct ~ '^[0-9]{1,5}$'),
  -- P-3.4, with the grounds of packages/deg's ExclusionReason.
  exclusion_reason   text
                     CONSTRAINT participants_exclusion_reason_valid
                     CHECK (exclusion_reason IN ('LOST_SUFFRAGE', 'VOTED_EARLY', 'CONDITIONS_NOT_MET')),
  exclusion_document text
                     CONSTRAINT participants_exclusion_document_text
                     CHECK (btrim(exclusion_document) <> '' AND length(exclusion_document) <= 1000),
  excluded_at        timestamptz,
  ballot_access_at   timestamptz,
  sort_key           text COLLATE "C" NOT NULL
                     GENERATED ALWAYS AS (
                       participant_sort_key(surname, name, patronymic, birth_date, participant_id)
                     ) STORED,
  PRIMARY KEY (election_id, region, participant_id),
  -- An exclusion is a reason, a document and a time, or nothing.
  CONSTRAINT participants_exclusion_complete CHECK (
    (exclusion_reason IS NULL AND exclusion_document IS NULL AND excluded_at IS NULL)
    OR (exclusion_reason IS NOT NULL AND exclusion_document IS NOT NULL AND excluded_at IS NOT NULL)
  ),
  -- P-3.8: no ballot access on an excluded row. A participant may be excluded after access (voted
  -- early elsewhere, found later to have lost suffrage), never granted access after exclusion.
  CONSTRAINT participants_access_before_exclusion CHECK (
    ballot_access_at IS NULL OR excluded_at IS NULL OR ballot_access_at <= excluded_at
  )
);

-- Appendix 1/2 pages and name search: a range of sort_key in one list, in order.
CREATE INDEX participants_list_order ON participants (election_id, region, sort_key);
-- Appendix 3 registers: a few thousand rows per precinct, sorted after the fetch; the repeated key
-- deduplicates into a small index.
CREATE INDEX participants_list_precinct ON participants (election_id, region, precinct);

-- Every 128th row of a compiled list with its row number (Appendix 1 "N п/п"), written at
-- compilation: the number of any row is the nearest mark's plus at most 127 index entries, and a
-- page at any offset starts from a mark, so deep pages cost what the first one does.
CREATE TABLE participant_list_marks (
  election_id  text NOT NULL,
  region       text NOT NULL,
  row_no       bigint NOT NULL CONSTRAINT participant_list_marks_row_no_step CHECK (row_no % 128 = 1),
  sort_key     text COLLATE "C" NOT NULL,
  PRIMARY KEY (election_id, region, row_no),
  FOREIGN KEY (election_id, region) REFERENCES participant_lists (election_id, region)
);

CREATE INDEX participant_list_marks_key ON participant_list_marks (election_id, region, sort_key);

-- The 1-based position of `key` in its list: the nearest mark at or before it, plus the rows
-- between. STABLE SQL, so the planner sees through it.
CREATE FUNCTION participant_list_row_no(p_election text, p_region text, p_key text) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (
    SELECT m.row_no + (
      SELECT count(*) FROM participants p
      WHERE p.election_id = p_election AND p.region = p_region
        AND p.sort_key >= m.sort_key AND p.sort_key < p_key COLLATE "C"
    )
    FROM participant_list_marks m
    WHERE m.election_id = p_election AND m.region = p_region AND m.sort_key <= p_key COLLATE "C"
    ORDER BY m.sort_key DESC
    LIMIT 1
  );

-- Raised by the triggers below: SQLSTATE 23001 restrict_violation with a constraint name.
CREATE FUNCTION participant_lists_refuse(constraint_name text, message text) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = 'restrict_violation', CONSTRAINT = constraint_name;
END
$$;

-- participant_lists: compilation counts the rows and writes the marks; counters move only through
-- the participants' trigger; a frozen list never changes (P-7.4); no list is ever deleted.
CREATE FUNCTION participant_lists_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    PERFORM participant_lists_refuse('participant_lists_kept', 'participant lists are never deleted');
  END IF;
  IF OLD.frozen_at IS NOT NULL THEN
    PERFORM participant_lists_refuse('participant_lists_frozen', 'the final list never changes (P-7.4)');
  END IF;
  IF NEW.election_id IS DISTINCT FROM OLD.election_id OR NEW.region IS DISTINCT FROM OLD.region THEN
    PERFORM participant_lists_refuse('participant_lists_identity', 'a list keeps its election and region');
  END IF;
  IF OLD.compiled_at IS NOT NULL AND (
       NEW.compiled_at IS DISTINCT FROM OLD.compiled_at
       OR NEW.participant_count IS DISTINCT FROM OLD.participant_count) THEN
    PERFORM participant_lists_refuse('participant_lists_compiled', 'a list is compiled once (P-3.3)');
  END IF;
  IF (NEW.excluded_count IS DISTINCT FROM OLD.excluded_count
      OR NEW.ballots_issued IS DISTINCT FROM OLD.ballots_issued)
     AND current_setting('opendeg.participants_counting', true) IS DISTINCT FROM 'on' THEN
    PERFORM participant_lists_refuse('participant_lists_counters',
      'the counts follow the participants'' rows and are not written directly');
  END IF;
  IF OLD.compiled_at IS NULL AND NEW.compiled_at IS NOT NULL THEN
    NEW.participant_count := (
      SELECT count(*) FROM participants p WHERE p.election_id = NEW.election_id AND p.region = NEW.region
    );
    INSERT INTO participant_list_marks (election_id, region, row_no, sort_key)
    SELECT NEW.election_id, NEW.region, n, k
    FROM (
      SELECT p.sort_key AS k, row_number() OVER (ORDER BY p.sort_key) AS n
      FROM participants p WHERE p.election_id = NEW.election_id AND p.region = NEW.region
    ) ranked
    WHERE n % 128 = 1;
  ELSIF OLD.compiled_at IS NULL AND NEW.participant_count IS DISTINCT FROM OLD.participant_count THEN
    PERFORM participant_lists_refuse('participant_lists_compiled', 'the count is taken at compilation');
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER participant_lists_guard_update
  BEFORE UPDATE OR DELETE ON participant_lists
  FOR EACH ROW EXECUTE FUNCTION participant_lists_guard();

-- A list is born open and empty; compilation is the UPDATE above, which counts what was loaded.
CREATE FUNCTION participant_lists_born_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.compiled_at IS NOT NULL OR NEW.frozen_at IS NOT NULL OR NEW.participant_count <> 0
     OR NEW.excluded_count <> 0 OR NEW.ballots_issued <> 0
     OR NEW.final_on_list IS NOT NULL OR NEW.final_ballots_issued IS NOT NULL THEN
    PERFORM participant_lists_refuse('participant_lists_born_open',
      'a list is created open and empty, then loaded and compiled');
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER participant_lists_born_open
  BEFORE INSERT ON participant_lists
  FOR EACH ROW EXECUTE FUNCTION participant_lists_born_open();

CREATE TRIGGER participant_lists_guard_truncate
  BEFORE TRUNCATE ON participant_lists
  FOR EACH STATEMENT EXECUTE FUNCTION participant_lists_guard();

-- P-3.3: rows go only into a list that exists and is not compiled yet. FOR SHARE makes a
-- compilation in another transaction wait for this insert (and count it), or this insert see the
-- compiled list. It also stands in for a foreign key, whose per-row check would cost as much.
CREATE FUNCTION participants_guard_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  compiled timestamptz;
BEGIN
  SELECT l.compiled_at INTO compiled FROM participant_lists l
  WHERE l.election_id = NEW.election_id AND l.region = NEW.region
  FOR SHARE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no participant list for this election and region'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'participants_list_exists';
  END IF;
  IF compiled IS NOT NULL THEN
    PERFORM participant_lists_refuse('participants_list_compiled',
      'the list is compiled: nobody may be added (P-3.3)');
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER participants_guard_insert
  BEFORE INSERT ON participants
  FOR EACH ROW EXECUTE FUNCTION participants_guard_insert();

-- Updates: personal data are fixed, an exclusion and a ballot access are set once and never
-- undone, no access after exclusion; the list must be compiled and not frozen, and its counters
-- move in the same statement (the list row's lock also orders this change against a freeze).
CREATE FUNCTION participants_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  newly_excluded integer;
  newly_issued integer;
  list participant_lists%ROWTYPE;
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    PERFORM participant_lists_refuse('participants_kept',
      'participants are never deleted: an exclusion strikes the row through (P-3.4)');
  END IF;
  IF (NEW.election_id, NEW.region, NEW.participant_id, NEW.surname, NEW.name, NEW.patronymic,
      NEW.birth_date, NEW.address, NEW.phone, NEW.passport_series, NEW.passport_number, NEW.precinct)
     IS DISTINCT FROM
     (OLD.election_id, OLD.region, OLD.participant_id, OLD.surname, OLD.name, OLD.patronymic,
      OLD.birth_date, OLD.address, OLD.phone, OLD.passport_series, OLD.passport_number, OLD.precinct) THEN
    PERFORM participant_lists_refuse('participants_data_fixed', 'the list data are fixed as loaded (P-3.1)');
  END IF;
  IF OLD.excluded_at IS NOT NULL
     AND (NEW.exclusion_reason, NEW.exclusion_document, NEW.excluded_at)
         IS DISTINCT FROM (OLD.exclusion_reason, OLD.exclusion_document, OLD.excluded_at) THEN
    PERFORM participant_lists_refuse('participants_exclusion_final', 'an exclusion is never changed or undone');
  END IF;
  IF OLD.ballot_access_at IS NOT NULL AND NEW.ballot_access_at IS DISTINCT FROM OLD.ballot_access_at THEN
    PERFORM participant_lists_refuse('participants_ballot_access_once', 'ballot access is granted once (P-3.8)');
  END IF;
  IF OLD.excluded_at IS NOT NULL AND OLD.ballot_access_at IS NULL AND NEW.ballot_access_at IS NOT NULL THEN
    PERFORM participant_lists_refuse('participants_excluded_no_access',
      'an excluded participant gets no ballot access (P-3.4, P-3.8)');
  END IF;
  newly_excluded := (OLD.excluded_at IS NULL AND NEW.excluded_at IS NOT NULL)::integer;
  newly_issued := (OLD.ballot_access_at IS NULL AND NEW.ballot_access_at IS NOT NULL)::integer;
  SELECT * INTO list FROM participant_lists l
  WHERE l.election_id = OLD.election_id AND l.region = OLD.region
  FOR UPDATE;
  IF list.frozen_at IS NOT NULL THEN
    PERFORM participant_lists_refuse('participant_lists_frozen', 'the final list never changes (P-7.4)');
  END IF;
  IF list.compiled_at IS NULL THEN
    PERFORM participant_lists_refuse('participant_lists_not_compiled',
      'a list is worked on only once compiled (P-3.2)');
  END IF;
  IF newly_excluded + newly_issued > 0 THEN
    PERFORM set_config('opendeg.participants_counting', 'on', true);
    UPDATE participant_lists l
    SET excluded_count = l.excluded_count + newly_excluded, ballots_issued = l.ballots_issued + newly_issued
    WHERE l.election_id = OLD.election_id AND l.region = OLD.region;
    PERFORM set_config('opendeg.participants_counting', 'off', true);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER participants_guard_update
  BEFORE UPDATE OR DELETE ON participants
  FOR EACH ROW EXECUTE FUNCTION participants_guard_update();

CREATE TRIGGER participants_guard_truncate
  BEFORE TRUNCATE ON participants
  FOR EACH STATEMENT EXECUTE FUNCTION participants_guard_update();

-- Marks are written by compilation only, while the list is not compiled yet, and then kept.
CREATE FUNCTION participant_list_marks_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM participant_lists_refuse('participant_list_marks_kept', 'row numbers are fixed at compilation');
  END IF;
  IF EXISTS (
    SELECT 1 FROM participant_lists l
    WHERE l.election_id = NEW.election_id AND l.region = NEW.region AND l.compiled_at IS NOT NULL
  ) THEN
    PERFORM participant_lists_refuse('participant_list_marks_kept', 'row numbers are fixed at compilation');
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER participant_list_marks_guard
  BEFORE INSERT OR UPDATE OR DELETE ON participant_list_marks
  FOR EACH ROW EXECUTE FUNCTION participant_list_marks_guard();

CREATE TRIGGER participant_list_marks_guard_truncate
  BEFORE TRUNCATE ON participant_list_marks
  FOR EACH STATEMENT EXECUTE FUNCTION participant_list_marks_guard();
