-- parley_path (0006) again, its widest work done by hashing: a step kept
-- each node's first link by sorting every link of the frontier on (node,
-- src, dst, kind, via, step) and taking the first of each node; from a hub
-- the links share a node and a src, so most comparisons went through four
-- or five keys (29,054 links of actor-000002 at 1M assertions: 88 to 1,290
-- ms at a load average of 10). Now each node's least (src, dst, kind, via,
-- step) is min() of that row as an array, grouped by a hash of the node:
-- the same link (arrays compare element by element, here bytewise), 9 to
-- 27 ms in the same runs.
CREATE OR REPLACE FUNCTION parley_path(p_from text, p_to text, p_max int, p_kinds text[], p_between bigint)
RETURNS TABLE (ord int, missing text, node text, src text, dst text, kind text, via text)
LANGUAGE plpgsql STABLE
-- Each statement is planned for the arrays it is given (a generic plan
-- takes any array for ten ids).
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    any_kind boolean := coalesce(cardinality(p_kinds), 0) = 0;
    -- Each side: its frontier, the links touching it (-1: not counted),
    -- and every node it reached with the link it was reached by (in
    -- parallel arrays; the end's own link is NULL).
    a_front text[] COLLATE "C" := ARRAY[p_from];
    b_front text[] COLLATE "C" := ARRAY[p_to];
    a_deg bigint;
    b_deg bigint;
    a_n text[] COLLATE "C" := ARRAY[p_from];
    a_s text[] COLLATE "C" := ARRAY[NULL];
    a_d text[] COLLATE "C" := ARRAY[NULL];
    a_k text[] COLLATE "C" := ARRAY[NULL];
    a_v text[] COLLATE "C" := ARRAY[NULL];
    b_n text[] COLLATE "C" := ARRAY[p_to];
    b_s text[] COLLATE "C" := ARRAY[NULL];
    b_d text[] COLLATE "C" := ARRAY[NULL];
    b_k text[] COLLATE "C" := ARRAY[NULL];
    b_v text[] COLLATE "C" := ARRAY[NULL];
    -- The side growing this step (g_) and the other (o_n: what it reached).
    grow_a boolean;
    g_front text[] COLLATE "C";
    g_n text[] COLLATE "C";
    o_n text[] COLLATE "C";
    -- What a step reached.
    n_n text[] COLLATE "C";
    n_s text[] COLLATE "C";
    n_d text[] COLLATE "C";
    n_k text[] COLLATE "C";
    n_v text[] COLLATE "C";
    -- Where the two sides met, and the link the growing side met by.
    meet text COLLATE "C";
    m_s text COLLATE "C";
    m_d text COLLATE "C";
    m_k text COLLATE "C";
    m_v text COLLATE "C";
    found_from boolean;
    found_to boolean;
    i int;
    cur text COLLATE "C";
    head_n text[] COLLATE "C";
    head_s text[] COLLATE "C";
    head_d text[] COLLATE "C";
    head_k text[] COLLATE "C";
    head_v text[] COLLATE "C";
BEGIN
    SELECT EXISTS (SELECT 1 FROM nodes WHERE id = p_from), EXISTS (SELECT 1 FROM nodes WHERE id = p_to)
        INTO found_from, found_to;
    IF NOT found_from OR NOT found_to THEN
        ord := 0;
        missing := CASE WHEN found_from THEN p_to ELSE p_from END;
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT coalesce((SELECT n FROM edge_degrees WHERE id = p_from), 0), coalesce((SELECT n FROM edge_degrees WHERE id = p_to), 0)
        INTO a_deg, b_deg;

    FOR hop IN 1..p_max LOOP
        IF cardinality(a_front) = 0 OR cardinality(b_front) = 0 THEN
            RETURN;
        END IF;
        IF a_deg < 0 THEN
            SELECT coalesce(sum(n), 0) FROM edge_degrees WHERE id = ANY(a_front) INTO a_deg;
        END IF;
        IF b_deg < 0 THEN
            SELECT coalesce(sum(n), 0) FROM edge_degrees WHERE id = ANY(b_front) INTO b_deg;
        END IF;
        grow_a := NOT (b_deg < a_deg);
        IF grow_a THEN
            g_front := a_front; g_n := a_n; o_n := b_n;
        ELSE
            g_front := b_front; g_n := b_n; o_n := a_n;
        END IF;

        -- The links between the frontier and what the other side reached.
        IF cardinality(g_front)::bigint * cardinality(o_n) <= p_between THEN
            SELECT c.node, c.src, c.dst, c.kind, c.via INTO meet, m_s, m_d, m_k, m_v
            FROM (
                SELECT e.dst AS node, e.src, e.dst, e.kind, e.via, 0 AS step FROM edges e
                WHERE e.src = ANY(g_front) AND e.dst = ANY(o_n) AND (any_kind OR e.kind = ANY(p_kinds))
                    AND NOT EXISTS (SELECT 1 FROM assertions d WHERE d.id = e.via AND d.rank = 'DEPRECATED')
                UNION ALL
                SELECT e.src, e.src, e.dst, e.kind, e.via, 1 FROM edges e
                WHERE e.dst = ANY(g_front) AND e.src = ANY(o_n) AND (any_kind OR e.kind = ANY(p_kinds))
                    AND NOT EXISTS (SELECT 1 FROM assertions d WHERE d.id = e.via AND d.rank = 'DEPRECATED')
            ) c
            WHERE c.node <> ALL(g_n)
            ORDER BY c.src, c.dst, c.kind, c.via, c.step
            LIMIT 1;
        END IF;

        IF meet IS NULL THEN
            -- Every link of the frontier: the nodes it reaches first, in
            -- id order, and the first of them the other side reached.
            WITH steps AS (
                SELECT e.dst AS node, e.src, e.dst, e.kind, e.via, 0 AS step FROM edges e
                WHERE e.src = ANY(g_front) AND (any_kind OR e.kind = ANY(p_kinds))
                    AND NOT EXISTS (SELECT 1 FROM assertions d WHERE d.id = e.via AND d.rank = 'DEPRECATED')
                UNION ALL
                SELECT e.src, e.src, e.dst, e.kind, e.via, 1 FROM edges e
                WHERE e.dst = ANY(g_front) AND (any_kind OR e.kind = ANY(p_kinds))
                    AND NOT EXISTS (SELECT 1 FROM assertions d WHERE d.id = e.via AND d.rank = 'DEPRECATED')
            ), reached AS (
                -- Each node's first step: the least (src, dst, kind, via,
                -- step), as an array compared element by element, bytewise.
                SELECT s.node, min(ARRAY[s.src, s.dst, s.kind, s.via, CAST(s.step AS text)]) AS k FROM steps s
                WHERE NOT EXISTS (SELECT 1 FROM unnest(g_n) r(id) WHERE r.id = s.node)
                GROUP BY s.node
            )
            SELECT coalesce(array_agg(r.node ORDER BY r.node), '{}'), array_agg(r.k[1] ORDER BY r.node),
                   array_agg(r.k[2] ORDER BY r.node), array_agg(r.k[3] ORDER BY r.node), array_agg(r.k[4] ORDER BY r.node),
                   min(r.k) FILTER (WHERE o.id IS NOT NULL)
                INTO n_n, n_s, n_d, n_k, n_v, head_n
            FROM reached r LEFT JOIN unnest(o_n) o(id) ON o.id = r.node;
            IF head_n IS NOT NULL THEN
                m_s := head_n[1]; m_d := head_n[2]; m_k := head_n[3]; m_v := head_n[4];
                meet := CASE WHEN head_n[5] = '0' THEN m_d ELSE m_s END;
            END IF;
        END IF;

        IF meet IS NOT NULL THEN
            IF grow_a THEN
                a_n := a_n || meet; a_s := a_s || m_s; a_d := a_d || m_d; a_k := a_k || m_k; a_v := a_v || m_v;
            ELSE
                b_n := b_n || meet; b_s := b_s || m_s; b_d := b_d || m_d; b_k := b_k || m_k; b_v := b_v || m_v;
            END IF;
            EXIT;
        END IF;
        IF grow_a THEN
            a_front := n_n; a_deg := -1;
            a_n := a_n || n_n; a_s := a_s || n_s; a_d := a_d || n_d; a_k := a_k || n_k; a_v := a_v || n_v;
        ELSE
            b_front := n_n; b_deg := -1;
            b_n := b_n || n_n; b_s := b_s || n_s; b_d := b_d || n_d; b_k := b_k || n_k; b_v := b_v || n_v;
        END IF;
    END LOOP;
    IF meet IS NULL THEN
        RETURN;
    END IF;

    -- From the meeting node back to p_from (then turned round), and on
    -- back to p_to. A link leads back to its src, or to its dst when it
    -- was followed from there.
    head_n := ARRAY[meet]; head_s := '{}'; head_d := '{}'; head_k := '{}'; head_v := '{}';
    cur := meet;
    WHILE cur <> p_from LOOP
        i := array_position(a_n, cur);
        head_s := a_s[i] || head_s; head_d := a_d[i] || head_d; head_k := a_k[i] || head_k; head_v := a_v[i] || head_v;
        cur := CASE WHEN a_s[i] = cur THEN a_d[i] ELSE a_s[i] END;
        head_n := cur || head_n;
    END LOOP;
    ord := 0; missing := NULL; node := p_from; src := NULL; dst := NULL; kind := NULL; via := NULL;
    RETURN NEXT;
    FOR j IN 1..cardinality(head_s) LOOP
        ord := j; node := head_n[j + 1]; src := head_s[j]; dst := head_d[j]; kind := head_k[j]; via := head_v[j];
        RETURN NEXT;
    END LOOP;
    cur := meet;
    WHILE cur <> p_to LOOP
        i := array_position(b_n, cur);
        ord := ord + 1; src := b_s[i]; dst := b_d[i]; kind := b_k[i]; via := b_v[i];
        cur := CASE WHEN b_s[i] = cur THEN b_d[i] ELSE b_s[i] END;
        node := cur;
        RETURN NEXT;
    END LOOP;
END $$;
