--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: unaccent; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;


--
-- Name: guichet_unaccent(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.guichet_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $_$ SELECT unaccent('unaccent'::regdictionary, $1) $_$;


--
-- Name: guichet_french; Type: TEXT SEARCH CONFIGURATION; Schema: public; Owner: -
--

CREATE TEXT SEARCH CONFIGURATION public.guichet_french (
    PARSER = pg_catalog."default" );

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR asciiword WITH french_stem;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR word WITH public.unaccent, french_stem;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR numword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR email WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR url WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR host WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR sfloat WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR version WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR hword_numpart WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR hword_part WITH public.unaccent, french_stem;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR hword_asciipart WITH french_stem;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR numhword WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR asciihword WITH french_stem;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR hword WITH public.unaccent, french_stem;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR url_path WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR file WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR "float" WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR "int" WITH simple;

ALTER TEXT SEARCH CONFIGURATION public.guichet_french
    ADD MAPPING FOR uint WITH simple;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: academies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.academies (
    code character varying NOT NULL,
    name character varying NOT NULL,
    logo character varying DEFAULT ''::character varying NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: academy_holidays; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.academy_holidays (
    academy_code character varying NOT NULL,
    day character varying NOT NULL,
    label character varying NOT NULL
);


--
-- Name: academy_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.academy_hours (
    academy_code character varying NOT NULL,
    time_zone character varying NOT NULL,
    opens_at character varying NOT NULL,
    closes_at character varying NOT NULL,
    days character varying NOT NULL,
    holidays character varying NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: api_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_tokens (
    id bigint NOT NULL,
    person_id bigint NOT NULL,
    kind character varying NOT NULL,
    name character varying NOT NULL,
    scope character varying NOT NULL,
    hash character varying NOT NULL,
    hint character varying NOT NULL,
    created_by_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone
);


--
-- Name: api_tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_tokens_id_seq OWNED BY public.api_tokens.id;


--
-- Name: assets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.assets (
    id bigint NOT NULL,
    person_id bigint NOT NULL,
    kind character varying NOT NULL,
    brand character varying DEFAULT ''::character varying NOT NULL,
    model character varying DEFAULT ''::character varying NOT NULL,
    serial character varying DEFAULT ''::character varying NOT NULL,
    maintenance character varying DEFAULT ''::character varying NOT NULL,
    placement character varying DEFAULT ''::character varying NOT NULL
);


--
-- Name: assets_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.assets_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: assets_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.assets_id_seq OWNED BY public.assets.id;


--
-- Name: attachments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attachments (
    id bigint NOT NULL,
    ticket_number character varying NOT NULL,
    event_seq bigint DEFAULT 0 NOT NULL,
    uploader_id bigint NOT NULL,
    filename character varying NOT NULL,
    content_type character varying NOT NULL,
    size bigint NOT NULL,
    data bytea NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: attachments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.attachments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: attachments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.attachments_id_seq OWNED BY public.attachments.id;


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    actor_id bigint NOT NULL,
    academy_code character varying NOT NULL,
    action character varying NOT NULL,
    target character varying NOT NULL,
    details character varying NOT NULL
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: bun_migration_locks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bun_migration_locks (
    id bigint NOT NULL,
    table_name character varying
);


--
-- Name: bun_migration_locks_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bun_migration_locks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bun_migration_locks_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bun_migration_locks_id_seq OWNED BY public.bun_migration_locks.id;


--
-- Name: bun_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bun_migrations (
    id bigint NOT NULL,
    name character varying,
    group_id bigint,
    migrated_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);


--
-- Name: bun_migrations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bun_migrations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: bun_migrations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bun_migrations_id_seq OWNED BY public.bun_migrations.id;


--
-- Name: categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.categories (
    id bigint NOT NULL,
    academy_code character varying NOT NULL,
    parent_id bigint,
    name character varying NOT NULL,
    path character varying NOT NULL,
    "position" bigint DEFAULT 0 NOT NULL,
    group_id bigint
);


--
-- Name: categories_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.categories_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: categories_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.categories_id_seq OWNED BY public.categories.id;


--
-- Name: directory_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.directory_runs (
    id bigint NOT NULL,
    academy_code character varying NOT NULL,
    source character varying NOT NULL,
    detail character varying DEFAULT ''::character varying NOT NULL,
    status character varying NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    seen bigint DEFAULT 0 NOT NULL,
    added bigint DEFAULT 0 NOT NULL,
    updated bigint DEFAULT 0 NOT NULL,
    unchanged bigint DEFAULT 0 NOT NULL,
    disabled bigint DEFAULT 0 NOT NULL,
    errors bigint DEFAULT 0 NOT NULL,
    messages character varying DEFAULT ''::character varying NOT NULL
);


--
-- Name: directory_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.directory_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: directory_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.directory_runs_id_seq OWNED BY public.directory_runs.id;


--
-- Name: draft_uploads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.draft_uploads (
    id bigint NOT NULL,
    session_id character varying NOT NULL,
    person_id bigint NOT NULL,
    filename character varying NOT NULL,
    content_type character varying NOT NULL,
    size bigint NOT NULL,
    data bytea NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: draft_uploads_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.draft_uploads_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: draft_uploads_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.draft_uploads_id_seq OWNED BY public.draft_uploads.id;


--
-- Name: favourites; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.favourites (
    person_id bigint NOT NULL,
    ticket_number character varying NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: group_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.group_members (
    group_id bigint NOT NULL,
    person_id bigint NOT NULL,
    available boolean NOT NULL
);


--
-- Name: groups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.groups (
    id bigint NOT NULL,
    academy_code character varying NOT NULL,
    name character varying NOT NULL,
    level bigint NOT NULL,
    intake boolean DEFAULT false NOT NULL
);


--
-- Name: groups_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.groups_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: groups_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.groups_id_seq OWNED BY public.groups.id;


--
-- Name: kb_articles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kb_articles (
    id bigint NOT NULL,
    academy_code character varying NOT NULL,
    shared boolean DEFAULT false NOT NULL,
    title character varying NOT NULL,
    body character varying NOT NULL,
    category_id bigint,
    category_path character varying DEFAULT ''::character varying NOT NULL,
    author_id bigint,
    source_ticket character varying DEFAULT ''::character varying NOT NULL,
    published boolean DEFAULT false NOT NULL,
    solved_count bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    stem_title character varying DEFAULT ''::character varying NOT NULL,
    stem_body character varying DEFAULT ''::character varying NOT NULL,
    search_tsv tsvector GENERATED ALWAYS AS (((setweight(to_tsvector('public.guichet_french'::regconfig, (title)::text), 'A'::"char") || setweight(to_tsvector('public.guichet_french'::regconfig, (category_path)::text), 'B'::"char")) || setweight(to_tsvector('public.guichet_french'::regconfig, (body)::text), 'C'::"char"))) STORED,
    solved_without_ticket integer DEFAULT 0 NOT NULL
);


--
-- Name: kb_articles_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.kb_articles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: kb_articles_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.kb_articles_id_seq OWNED BY public.kb_articles.id;


--
-- Name: kb_self_solved; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kb_self_solved (
    person_id bigint NOT NULL,
    article_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: kb_suggestion_views; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kb_suggestion_views (
    session_id character varying NOT NULL,
    article_id bigint NOT NULL,
    person_id bigint NOT NULL,
    viewed_at timestamp with time zone NOT NULL
);


--
-- Name: mail_replies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mail_replies (
    message_id character varying NOT NULL,
    ticket_number character varying NOT NULL,
    person_id bigint NOT NULL,
    attachment_ids character varying DEFAULT '[]'::character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    signaled_at timestamp with time zone
);


--
-- Name: mails; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mails (
    id bigint NOT NULL,
    dedupe_key character varying NOT NULL,
    ticket_number character varying DEFAULT ''::character varying NOT NULL,
    to_addr character varying NOT NULL,
    subject character varying NOT NULL,
    text_body character varying NOT NULL,
    html_body character varying DEFAULT ''::character varying NOT NULL,
    message_id character varying NOT NULL,
    raw bytea,
    created_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    attempts bigint DEFAULT 0 NOT NULL,
    last_error character varying DEFAULT ''::character varying NOT NULL,
    not_before timestamp with time zone
);


--
-- Name: mails_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.mails_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: mails_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.mails_id_seq OWNED BY public.mails.id;


--
-- Name: news; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.news (
    id bigint NOT NULL,
    academy_code character varying NOT NULL,
    title character varying NOT NULL,
    body character varying NOT NULL,
    author_id bigint,
    published_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone,
    draft boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone
);


--
-- Name: news_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.news_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: news_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.news_id_seq OWNED BY public.news.id;


--
-- Name: people; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.people (
    id bigint NOT NULL,
    academy_code character varying NOT NULL,
    login character varying NOT NULL,
    last_name character varying NOT NULL,
    first_name character varying NOT NULL,
    email character varying DEFAULT ''::character varying NOT NULL,
    phone character varying DEFAULT ''::character varying NOT NULL,
    location character varying DEFAULT ''::character varying NOT NULL,
    entity character varying DEFAULT ''::character varying NOT NULL,
    service character varying DEFAULT ''::character varying NOT NULL,
    office character varying DEFAULT ''::character varying NOT NULL,
    password_hash character varying DEFAULT ''::character varying NOT NULL,
    global_admin boolean DEFAULT false NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    name_key character varying DEFAULT ''::character varying NOT NULL,
    directory_source character varying DEFAULT ''::character varying NOT NULL,
    directory_seen_at timestamp without time zone,
    lang character varying(8) DEFAULT 'fr'::character varying NOT NULL
);


--
-- Name: people_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.people_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: people_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.people_id_seq OWNED BY public.people.id;


--
-- Name: role_grants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.role_grants (
    person_id bigint NOT NULL,
    academy_code character varying NOT NULL,
    role character varying NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    id character varying NOT NULL,
    person_id bigint NOT NULL,
    csrf_token character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    remote_addr character varying DEFAULT ''::character varying NOT NULL,
    user_agent character varying DEFAULT ''::character varying NOT NULL
);


--
-- Name: signin_challenges; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.signin_challenges (
    id character varying NOT NULL,
    person_id bigint NOT NULL,
    suite character varying DEFAULT ''::character varying NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: signin_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.signin_failures (
    id bigint NOT NULL,
    scope character varying NOT NULL,
    subject character varying NOT NULL,
    at timestamp with time zone NOT NULL
);


--
-- Name: signin_failures_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.signin_failures_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: signin_failures_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.signin_failures_id_seq OWNED BY public.signin_failures.id;


--
-- Name: ticket_counters; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket_counters (
    day character varying NOT NULL,
    last_seq bigint NOT NULL
);


--
-- Name: ticket_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket_events (
    id bigint NOT NULL,
    ticket_number character varying NOT NULL,
    seq bigint NOT NULL,
    kind character varying NOT NULL,
    actor_id bigint,
    public boolean NOT NULL,
    body character varying DEFAULT ''::character varying NOT NULL,
    data character varying DEFAULT '{}'::character varying NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: ticket_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ticket_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: ticket_events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ticket_events_id_seq OWNED BY public.ticket_events.id;


--
-- Name: ticket_search; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket_search (
    ticket_number character varying NOT NULL,
    document text NOT NULL,
    stem text DEFAULT ''::text NOT NULL,
    search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('public.guichet_french'::regconfig, document)) STORED
);


--
-- Name: ticket_views; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ticket_views (
    person_id bigint NOT NULL,
    ticket_number character varying NOT NULL,
    viewed_at timestamp with time zone NOT NULL
);


--
-- Name: tickets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets (
    number character varying NOT NULL,
    academy_code character varying NOT NULL,
    requester_id bigint NOT NULL,
    beneficiary_id bigint NOT NULL,
    location character varying DEFAULT ''::character varying NOT NULL,
    entity character varying DEFAULT ''::character varying NOT NULL,
    phone character varying DEFAULT ''::character varying NOT NULL,
    other_phone character varying DEFAULT ''::character varying NOT NULL,
    availability character varying DEFAULT ''::character varying NOT NULL,
    service character varying DEFAULT ''::character varying NOT NULL,
    office character varying DEFAULT ''::character varying NOT NULL,
    category_id bigint NOT NULL,
    category_path character varying NOT NULL,
    equipment character varying DEFAULT ''::character varying NOT NULL,
    brand character varying DEFAULT ''::character varying NOT NULL,
    model character varying DEFAULT ''::character varying NOT NULL,
    serial character varying DEFAULT ''::character varying NOT NULL,
    maintenance character varying DEFAULT ''::character varying NOT NULL,
    placement character varying DEFAULT ''::character varying NOT NULL,
    urgency bigint NOT NULL,
    impact bigint NOT NULL,
    priority bigint NOT NULL,
    private boolean DEFAULT false NOT NULL,
    description character varying NOT NULL,
    status character varying NOT NULL,
    group_id bigint,
    technician_id bigint,
    late boolean DEFAULT false NOT NULL,
    refusals bigint DEFAULT 0 NOT NULL,
    solution character varying DEFAULT ''::character varying NOT NULL,
    duplicate_of character varying DEFAULT ''::character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    pickup_due_at timestamp with time zone,
    picked_up_at timestamp with time zone,
    resolved_at timestamp with time zone,
    validation_due_at timestamp with time zone,
    closed_at timestamp with time zone,
    validation character varying DEFAULT ''::character varying NOT NULL,
    rating_delay bigint DEFAULT 0 NOT NULL,
    rating_quality bigint DEFAULT 0 NOT NULL,
    validation_comment character varying DEFAULT ''::character varying NOT NULL,
    workflow_started_at timestamp with time zone,
    projected_seq bigint DEFAULT 0 NOT NULL,
    submission_id character varying(64)
);


--
-- Name: totp_secrets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.totp_secrets (
    person_id bigint NOT NULL,
    secret character varying NOT NULL,
    confirmed_at timestamp with time zone,
    last_step bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: webhook_deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_deliveries (
    id bigint NOT NULL,
    subscription_id bigint NOT NULL,
    academy_code character varying NOT NULL,
    ticket_number character varying NOT NULL,
    seq bigint NOT NULL,
    event character varying NOT NULL,
    payload character varying NOT NULL,
    status character varying NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    last_status bigint DEFAULT 0 NOT NULL,
    last_error character varying DEFAULT ''::character varying NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    delivered_at timestamp with time zone
);


--
-- Name: webhook_deliveries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.webhook_deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: webhook_deliveries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.webhook_deliveries_id_seq OWNED BY public.webhook_deliveries.id;


--
-- Name: webhook_subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_subscriptions (
    id bigint NOT NULL,
    academy_code character varying NOT NULL,
    url character varying NOT NULL,
    secret character varying NOT NULL,
    events character varying DEFAULT ''::character varying NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_by_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: webhook_subscriptions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.webhook_subscriptions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: webhook_subscriptions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.webhook_subscriptions_id_seq OWNED BY public.webhook_subscriptions.id;


--
-- Name: api_tokens id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens ALTER COLUMN id SET DEFAULT nextval('public.api_tokens_id_seq'::regclass);


--
-- Name: assets id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assets ALTER COLUMN id SET DEFAULT nextval('public.assets_id_seq'::regclass);


--
-- Name: attachments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments ALTER COLUMN id SET DEFAULT nextval('public.attachments_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: bun_migration_locks id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bun_migration_locks ALTER COLUMN id SET DEFAULT nextval('public.bun_migration_locks_id_seq'::regclass);


--
-- Name: bun_migrations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bun_migrations ALTER COLUMN id SET DEFAULT nextval('public.bun_migrations_id_seq'::regclass);


--
-- Name: categories id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories ALTER COLUMN id SET DEFAULT nextval('public.categories_id_seq'::regclass);


--
-- Name: directory_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.directory_runs ALTER COLUMN id SET DEFAULT nextval('public.directory_runs_id_seq'::regclass);


--
-- Name: draft_uploads id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.draft_uploads ALTER COLUMN id SET DEFAULT nextval('public.draft_uploads_id_seq'::regclass);


--
-- Name: groups id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups ALTER COLUMN id SET DEFAULT nextval('public.groups_id_seq'::regclass);


--
-- Name: kb_articles id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_articles ALTER COLUMN id SET DEFAULT nextval('public.kb_articles_id_seq'::regclass);


--
-- Name: mails id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mails ALTER COLUMN id SET DEFAULT nextval('public.mails_id_seq'::regclass);


--
-- Name: news id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.news ALTER COLUMN id SET DEFAULT nextval('public.news_id_seq'::regclass);


--
-- Name: people id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people ALTER COLUMN id SET DEFAULT nextval('public.people_id_seq'::regclass);


--
-- Name: signin_failures id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.signin_failures ALTER COLUMN id SET DEFAULT nextval('public.signin_failures_id_seq'::regclass);


--
-- Name: ticket_events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_events ALTER COLUMN id SET DEFAULT nextval('public.ticket_events_id_seq'::regclass);


--
-- Name: webhook_deliveries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_deliveries ALTER COLUMN id SET DEFAULT nextval('public.webhook_deliveries_id_seq'::regclass);


--
-- Name: webhook_subscriptions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_subscriptions ALTER COLUMN id SET DEFAULT nextval('public.webhook_subscriptions_id_seq'::regclass);


--
-- Data for Name: academies; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.academies VALUES ('ac-paris', 'academies.name é', 'academies.logo é', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: academy_holidays; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.academy_holidays VALUES ('ac-paris', 'academy_holidays.day é', 'academy_holidays.label é');


--
-- Data for Name: academy_hours; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.academy_hours VALUES ('ac-paris', 'academy_hours.time_zone é', 'academy_hours.opens_at é', 'academy_hours.closes_at é', 'academy_hours.days é', 'academy_hours.holidays é', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: api_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.api_tokens VALUES (1, 1, 'api_tokens.kind é', 'api_tokens.name é', 'api_tokens.scope é', 'api_tokens.hash é', 'api_tokens.hint é', 1, '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: assets; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.assets VALUES (1, 1, 'assets.kind é', 'assets.brand é', 'assets.model é', 'assets.serial é', 'assets.maintenance é', 'assets.placement é');


--
-- Data for Name: attachments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.attachments VALUES (1, '261128-0001', 1, 1, 'attachments.filename é', 'attachments.content_type é', 1, '\x255044462d312e3420666978747572652000ff', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_log VALUES (1, '2026-11-28 09:30:15.123456+00', 1, 'ac-paris', 'audit_log.action é', 'audit_log.target é', 'audit_log.details é');


--
-- Data for Name: bun_migration_locks; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: bun_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.bun_migrations VALUES (1, '20261128000001', 1, '2026-12-04 19:30:25.229816+00');
INSERT INTO public.bun_migrations VALUES (2, '20261128000050', 1, '2026-12-04 19:30:25.232088+00');
INSERT INTO public.bun_migrations VALUES (3, '20261128000200', 1, '2026-12-04 19:30:25.235915+00');
INSERT INTO public.bun_migrations VALUES (4, '20261128000400', 1, '2026-12-04 19:30:25.273287+00');
INSERT INTO public.bun_migrations VALUES (5, '20261128000500', 1, '2026-12-04 19:30:25.282163+00');
INSERT INTO public.bun_migrations VALUES (6, '20261128000600', 1, '2026-12-04 19:30:25.288723+00');
INSERT INTO public.bun_migrations VALUES (7, '20261128000750', 1, '2026-12-04 19:30:25.300207+00');
INSERT INTO public.bun_migrations VALUES (8, '20261128000800', 1, '2026-12-04 19:30:25.341615+00');
INSERT INTO public.bun_migrations VALUES (9, '20261128000900', 1, '2026-12-04 19:30:25.378137+00');
INSERT INTO public.bun_migrations VALUES (10, '20261128000950', 1, '2026-12-04 19:30:25.3867+00');
INSERT INTO public.bun_migrations VALUES (11, '20261128001000', 1, '2026-12-04 19:30:25.389852+00');
INSERT INTO public.bun_migrations VALUES (12, '20261128001150', 1, '2026-12-04 19:30:25.406221+00');
INSERT INTO public.bun_migrations VALUES (13, '20261128001300', 1, '2026-12-04 19:30:25.415161+00');
INSERT INTO public.bun_migrations VALUES (14, '20261128001420', 1, '2026-12-04 19:30:25.418714+00');


--
-- Data for Name: categories; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.categories VALUES (1, 'ac-paris', 1, 'categories.name é', 'categories.path é', 1, 1);


--
-- Data for Name: directory_runs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.directory_runs VALUES (1, 'ac-paris', 'directory_runs.source é', 'directory_runs.detail é', 'directory_runs.status é', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', 1, 1, 1, 1, 1, 1, 'directory_runs.messages é');


--
-- Data for Name: draft_uploads; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.draft_uploads VALUES (1, 'fixture-session', 1, 'draft_uploads.filename é', 'draft_uploads.content_type é', 1, '\x255044462d312e3420666978747572652000ff', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: favourites; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.favourites VALUES (1, '261128-0001', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: group_members; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.group_members VALUES (1, 1, true);


--
-- Data for Name: groups; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.groups VALUES (1, 'ac-paris', 'groups.name é', 1, true);


--
-- Data for Name: kb_articles; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kb_articles VALUES (1, 'ac-paris', true, 'kb_articles.title é', 'kb_articles.body é', 1, 'kb_articles.category_path é', 1, 'kb_articles.source_ticket é', true, 1, '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', 'kb_articles.stem_title é', 'kb_articles.stem_body é', DEFAULT, 1);


--
-- Data for Name: kb_self_solved; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kb_self_solved VALUES (1, 1, '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: kb_suggestion_views; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kb_suggestion_views VALUES ('fixture-session', 1, 1, '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: mail_replies; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.mail_replies VALUES ('mail_replies.message_id é', '261128-0001', 1, 'mail_replies.attachment_ids é', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: mails; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.mails VALUES (1, 'mails.dedupe_key é', '261128-0001', 'mails.to_addr é', 'mails.subject é', 'mails.text_body é', 'mails.html_body é', 'mails.message_id é', '\x255044462d312e3420666978747572652000ff', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', 1, 'mails.last_error é', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: news; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.news VALUES (1, 'ac-paris', 'news.title é', 'news.body é', 1, '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', true, '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: people; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.people VALUES (1, 'ac-paris', 'people.login é', 'people.last_name é', 'people.first_name é', 'people.email é', 'people.phone é', 'people.location é', 'people.entity é', 'people.service é', 'people.office é', 'people.password_hash é', true, true, '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', 'people.name_key é', 'people.directory_source é', '2026-11-28 09:30:15.123456', 'en');


--
-- Data for Name: role_grants; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.role_grants VALUES (1, 'ac-paris', 'role_grants.role é');


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sessions VALUES ('fixture-session', 1, 'sessions.csrf_token é', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', 'sessions.remote_addr é', 'sessions.user_agent é');


--
-- Data for Name: signin_challenges; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.signin_challenges VALUES ('signin_challenges.id é', 1, 'signin_challenges.suite é', 1, '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: signin_failures; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.signin_failures VALUES (1, 'signin_failures.scope é', 'signin_failures.subject é', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: ticket_counters; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ticket_counters VALUES ('ticket_counters.day é', 1);


--
-- Data for Name: ticket_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ticket_events VALUES (1, '261128-0001', 1, 'ticket_events.kind é', 1, true, 'ticket_events.body é', 'ticket_events.data é', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: ticket_search; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ticket_search VALUES ('261128-0001', 'ticket_search.document é', 'ticket_search.stem é', DEFAULT);


--
-- Data for Name: ticket_views; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.ticket_views VALUES (1, '261128-0001', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: tickets; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tickets VALUES ('261128-0001', 'ac-paris', 1, 1, 'tickets.location é', 'tickets.entity é', 'tickets.phone é', 'tickets.other_phone é', 'tickets.availability é', 'tickets.service é', 'tickets.office é', 1, 'tickets.category_path é', 'tickets.equipment é', 'tickets.brand é', 'tickets.model é', 'tickets.serial é', 'tickets.maintenance é', 'tickets.placement é', 1, 1, 1, true, 'tickets.description é', 'tickets.status é', 1, 1, true, 1, 'tickets.solution é', 'tickets.duplicate_of é', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', 'tickets.validation é', 1, 1, 'tickets.validation_comment é', '2026-11-28 09:30:15.123456+00', 1, 'tickets.submission_id é');


--
-- Data for Name: totp_secrets; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.totp_secrets VALUES (1, 'totp_secrets.secret é', '2026-11-28 09:30:15.123456+00', 1, '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: webhook_deliveries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.webhook_deliveries VALUES (1, 1, 'ac-paris', '261128-0001', 1, 'webhook_deliveries.event é', 'webhook_deliveries.payload é', 'webhook_deliveries.status é', 1, 1, 'webhook_deliveries.last_error é', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00', '2026-11-28 09:30:15.123456+00');


--
-- Data for Name: webhook_subscriptions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.webhook_subscriptions VALUES (1, 'ac-paris', 'webhook_subscriptions.url é', 'webhook_subscriptions.secret é', 'webhook_subscriptions.events é', true, 1, '2026-11-28 09:30:15.123456+00');


--
-- Name: api_tokens_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_tokens_id_seq', 1, false);


--
-- Name: assets_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.assets_id_seq', 1, false);


--
-- Name: attachments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.attachments_id_seq', 1, false);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 1, false);


--
-- Name: bun_migration_locks_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.bun_migration_locks_id_seq', 1, true);


--
-- Name: bun_migrations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.bun_migrations_id_seq', 14, true);


--
-- Name: categories_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.categories_id_seq', 1, false);


--
-- Name: directory_runs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.directory_runs_id_seq', 1, false);


--
-- Name: draft_uploads_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.draft_uploads_id_seq', 1, false);


--
-- Name: groups_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.groups_id_seq', 1, false);


--
-- Name: kb_articles_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.kb_articles_id_seq', 1, false);


--
-- Name: mails_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.mails_id_seq', 1, false);


--
-- Name: news_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.news_id_seq', 1, false);


--
-- Name: people_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.people_id_seq', 1, false);


--
-- Name: signin_failures_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.signin_failures_id_seq', 1, false);


--
-- Name: ticket_events_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.ticket_events_id_seq', 1, false);


--
-- Name: webhook_deliveries_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.webhook_deliveries_id_seq', 1, false);


--
-- Name: webhook_subscriptions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.webhook_subscriptions_id_seq', 1, false);


--
-- Name: academies academies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.academies
    ADD CONSTRAINT academies_pkey PRIMARY KEY (code);


--
-- Name: academy_holidays academy_holidays_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.academy_holidays
    ADD CONSTRAINT academy_holidays_pkey PRIMARY KEY (academy_code, day);


--
-- Name: academy_hours academy_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.academy_hours
    ADD CONSTRAINT academy_hours_pkey PRIMARY KEY (academy_code);


--
-- Name: api_tokens api_tokens_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_hash_key UNIQUE (hash);


--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);


--
-- Name: assets assets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assets
    ADD CONSTRAINT assets_pkey PRIMARY KEY (id);


--
-- Name: attachments attachments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT attachments_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: bun_migration_locks bun_migration_locks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bun_migration_locks
    ADD CONSTRAINT bun_migration_locks_pkey PRIMARY KEY (id);


--
-- Name: bun_migration_locks bun_migration_locks_table_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bun_migration_locks
    ADD CONSTRAINT bun_migration_locks_table_name_key UNIQUE (table_name);


--
-- Name: bun_migrations bun_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bun_migrations
    ADD CONSTRAINT bun_migrations_pkey PRIMARY KEY (id);


--
-- Name: categories categories_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT categories_pkey PRIMARY KEY (id);


--
-- Name: directory_runs directory_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.directory_runs
    ADD CONSTRAINT directory_runs_pkey PRIMARY KEY (id);


--
-- Name: draft_uploads draft_uploads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.draft_uploads
    ADD CONSTRAINT draft_uploads_pkey PRIMARY KEY (id);


--
-- Name: favourites favourites_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.favourites
    ADD CONSTRAINT favourites_pkey PRIMARY KEY (person_id, ticket_number);


--
-- Name: group_members group_members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.group_members
    ADD CONSTRAINT group_members_pkey PRIMARY KEY (group_id, person_id);


--
-- Name: groups groups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.groups
    ADD CONSTRAINT groups_pkey PRIMARY KEY (id);


--
-- Name: kb_articles kb_articles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_articles
    ADD CONSTRAINT kb_articles_pkey PRIMARY KEY (id);


--
-- Name: kb_self_solved kb_self_solved_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_self_solved
    ADD CONSTRAINT kb_self_solved_pkey PRIMARY KEY (person_id, article_id);


--
-- Name: kb_suggestion_views kb_suggestion_views_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_suggestion_views
    ADD CONSTRAINT kb_suggestion_views_pkey PRIMARY KEY (session_id, article_id);


--
-- Name: mail_replies mail_replies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mail_replies
    ADD CONSTRAINT mail_replies_pkey PRIMARY KEY (message_id);


--
-- Name: mails mails_dedupe_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mails
    ADD CONSTRAINT mails_dedupe_key_key UNIQUE (dedupe_key);


--
-- Name: mails mails_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mails
    ADD CONSTRAINT mails_pkey PRIMARY KEY (id);


--
-- Name: news news_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.news
    ADD CONSTRAINT news_pkey PRIMARY KEY (id);


--
-- Name: people people_login_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_login_key UNIQUE (login);


--
-- Name: people people_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (id);


--
-- Name: role_grants role_grants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_grants
    ADD CONSTRAINT role_grants_pkey PRIMARY KEY (person_id, academy_code, role);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);


--
-- Name: signin_challenges signin_challenges_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.signin_challenges
    ADD CONSTRAINT signin_challenges_pkey PRIMARY KEY (id);


--
-- Name: signin_failures signin_failures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.signin_failures
    ADD CONSTRAINT signin_failures_pkey PRIMARY KEY (id);


--
-- Name: ticket_counters ticket_counters_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_counters
    ADD CONSTRAINT ticket_counters_pkey PRIMARY KEY (day);


--
-- Name: ticket_events ticket_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_events
    ADD CONSTRAINT ticket_events_pkey PRIMARY KEY (id);


--
-- Name: ticket_search ticket_search_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_search
    ADD CONSTRAINT ticket_search_pkey PRIMARY KEY (ticket_number);


--
-- Name: ticket_views ticket_views_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_views
    ADD CONSTRAINT ticket_views_pkey PRIMARY KEY (person_id, ticket_number);


--
-- Name: tickets tickets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets
    ADD CONSTRAINT tickets_pkey PRIMARY KEY (number);


--
-- Name: totp_secrets totp_secrets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.totp_secrets
    ADD CONSTRAINT totp_secrets_pkey PRIMARY KEY (person_id);


--
-- Name: webhook_deliveries webhook_deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id);


--
-- Name: webhook_subscriptions webhook_subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_subscriptions
    ADD CONSTRAINT webhook_subscriptions_pkey PRIMARY KEY (id);


--
-- Name: api_tokens_person_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_tokens_person_idx ON public.api_tokens USING btree (person_id);


--
-- Name: assets_person_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assets_person_idx ON public.assets USING btree (person_id);


--
-- Name: attachments_ticket_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attachments_ticket_idx ON public.attachments USING btree (ticket_number);


--
-- Name: audit_log_academy_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_academy_idx ON public.audit_log USING btree (academy_code, at);


--
-- Name: categories_academy_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX categories_academy_idx ON public.categories USING btree (academy_code, parent_id);


--
-- Name: directory_runs_started_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX directory_runs_started_idx ON public.directory_runs USING btree (started_at);


--
-- Name: draft_uploads_session_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX draft_uploads_session_idx ON public.draft_uploads USING btree (session_id, id);


--
-- Name: favourites_person_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX favourites_person_idx ON public.favourites USING btree (person_id, created_at);


--
-- Name: groups_intake_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX groups_intake_idx ON public.groups USING btree (academy_code) WHERE intake;


--
-- Name: kb_articles_academy_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kb_articles_academy_idx ON public.kb_articles USING btree (academy_code, published, updated_at);


--
-- Name: kb_articles_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kb_articles_search_idx ON public.kb_articles USING gin (search_tsv);


--
-- Name: kb_articles_shared_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kb_articles_shared_idx ON public.kb_articles USING btree (shared, published, updated_at);


--
-- Name: kb_self_solved_article_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kb_self_solved_article_idx ON public.kb_self_solved USING btree (article_id, created_at);


--
-- Name: mails_ticket_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mails_ticket_idx ON public.mails USING btree (ticket_number, id);


--
-- Name: mails_unsent_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mails_unsent_idx ON public.mails USING btree (sent_at, id);


--
-- Name: news_academy_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX news_academy_idx ON public.news USING btree (academy_code, published_at);


--
-- Name: people_academy_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_academy_name_idx ON public.people USING btree (academy_code, last_name, first_name);


--
-- Name: people_directory_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_directory_idx ON public.people USING btree (academy_code, directory_source, directory_seen_at);


--
-- Name: people_name_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_name_key_idx ON public.people USING btree (academy_code, name_key);


--
-- Name: people_name_words_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_name_words_idx ON public.people USING gin (to_tsvector('simple'::regconfig, (name_key)::text));


--
-- Name: sessions_person_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_person_idx ON public.sessions USING btree (person_id);


--
-- Name: signin_challenges_expires_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX signin_challenges_expires_idx ON public.signin_challenges USING btree (expires_at);


--
-- Name: signin_failures_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX signin_failures_at_idx ON public.signin_failures USING btree (at);


--
-- Name: signin_failures_subject_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX signin_failures_subject_idx ON public.signin_failures USING btree (scope, subject, at);


--
-- Name: ticket_events_seq_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ticket_events_seq_idx ON public.ticket_events USING btree (ticket_number, seq);


--
-- Name: ticket_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_search_idx ON public.ticket_search USING gin (search_tsv);


--
-- Name: ticket_views_person_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_views_person_idx ON public.ticket_views USING btree (person_id, viewed_at);


--
-- Name: tickets_academy_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_academy_created_idx ON public.tickets USING btree (academy_code, created_at, number);


--
-- Name: tickets_academy_open_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_academy_open_created_idx ON public.tickets USING btree (academy_code, created_at, number) WHERE ((status)::text = ANY ((ARRAY['new'::character varying, 'in_progress'::character varying, 'waiting'::character varying, 'resolved'::character varying])::text[]));


--
-- Name: tickets_academy_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_academy_status_idx ON public.tickets USING btree (academy_code, status, created_at);


--
-- Name: tickets_beneficiary_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_beneficiary_idx ON public.tickets USING btree (beneficiary_id, created_at);


--
-- Name: tickets_beneficiary_other_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_beneficiary_other_idx ON public.tickets USING btree (beneficiary_id, academy_code, created_at, number) WHERE (beneficiary_id <> requester_id);


--
-- Name: tickets_entity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_entity_idx ON public.tickets USING btree (academy_code, entity, created_at);


--
-- Name: tickets_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_pending_idx ON public.tickets USING btree (workflow_started_at);


--
-- Name: tickets_queue_order_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_queue_order_idx ON public.tickets USING btree (academy_code, (
CASE
    WHEN ((status)::text = 'new'::text) THEN 0
    ELSE 1
END), priority, created_at, number) WHERE ((status)::text = ANY ((ARRAY['new'::character varying, 'in_progress'::character varying, 'waiting'::character varying, 'resolved'::character varying])::text[]));


--
-- Name: tickets_requester_academy_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_requester_academy_idx ON public.tickets USING btree (requester_id, academy_code, created_at, number);


--
-- Name: tickets_requester_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_requester_idx ON public.tickets USING btree (requester_id, created_at);


--
-- Name: tickets_submission_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX tickets_submission_idx ON public.tickets USING btree (submission_id);


--
-- Name: tickets_technician_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_technician_idx ON public.tickets USING btree (technician_id, status);


--
-- Name: webhook_deliveries_academy_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_deliveries_academy_idx ON public.webhook_deliveries USING btree (academy_code, created_at);


--
-- Name: webhook_deliveries_once_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX webhook_deliveries_once_idx ON public.webhook_deliveries USING btree (subscription_id, ticket_number, seq);


--
-- Name: webhook_subscriptions_academy_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_subscriptions_academy_idx ON public.webhook_subscriptions USING btree (academy_code);


--
-- Name: kb_self_solved kb_self_solved_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_self_solved
    ADD CONSTRAINT kb_self_solved_article_id_fkey FOREIGN KEY (article_id) REFERENCES public.kb_articles(id) ON DELETE CASCADE;


--
-- Name: kb_self_solved kb_self_solved_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_self_solved
    ADD CONSTRAINT kb_self_solved_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id) ON DELETE CASCADE;


--
-- Name: kb_suggestion_views kb_suggestion_views_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_suggestion_views
    ADD CONSTRAINT kb_suggestion_views_article_id_fkey FOREIGN KEY (article_id) REFERENCES public.kb_articles(id) ON DELETE CASCADE;


--
-- Name: kb_suggestion_views kb_suggestion_views_session_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kb_suggestion_views
    ADD CONSTRAINT kb_suggestion_views_session_id_fkey FOREIGN KEY (session_id) REFERENCES public.sessions(id) ON DELETE CASCADE;


--
-- Name: ticket_search ticket_search_ticket_number_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ticket_search
    ADD CONSTRAINT ticket_search_ticket_number_fkey FOREIGN KEY (ticket_number) REFERENCES public.tickets(number) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


