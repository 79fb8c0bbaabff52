/* SPDX-License-Identifier: ISC */
/*
 * xml4774: STANAG 4774 confidentiality labels as XML, with libxml2.  This
 * file is the only includer of libxml2 headers; see xml4774.h for the
 * rules on untrusted input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "node/xml4774.h"
#include "policy/label.h"
#include "policy/policy.h"
#include "policy/rel.h"

#define X(s)	((const xmlChar *)(s))

static int	fail(struct label_error *, int, const char *, const char *);
static int	read_info(const struct policy_tables *, xmlNode *,
		    struct label *, struct label_error *);

static int
fail(struct label_error *err, int ret, const char *msg, const char *arg)
{
	if (err != NULL) {
		err->pos = 0;
		if (arg != NULL)
			snprintf(err->msg, sizeof(err->msg), "%s '%.60s'", msg,
			    arg);
		else
			snprintf(err->msg, sizeof(err->msg), "%s", msg);
	}
	return ret;
}

/* --- export ---------------------------------------------------------- */

static bool
time_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 10 || n > XML4774_TIME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (strchr("0123456789-:T.Z+", s[i]) == NULL)
			return false;
	return true;
}

static xmlNode *
add_category(xmlNode *parent, xmlNs *ns, const char *tag, const char *type,
    const char **vals, size_t n)
{
	xmlNode *c;
	size_t i;

	if ((c = xmlNewChild(parent, ns, X("Category"), NULL)) == NULL ||
	    xmlNewProp(c, X("TagName"), X(tag)) == NULL ||
	    xmlNewProp(c, X("Type"), X(type)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (xmlNewTextChild(c, ns, X("GenericValue"), X(vals[i])) ==
		    NULL)
			return NULL;
	return c;
}

int
xml4774_export(const struct policy_tables *t, const struct label *l,
    const char *created, char **out, size_t *outlen)
{
	static const char *const types[] = {
		"RESTRICTIVE", "PERMISSIVE", "INFORMATIVE",
	};
	const char *vals[POLICY_VALUES_MAX], *codes[REL_CODES];
	enum policy_cat_type type;
	struct label_error err;
	xmlDoc *doc = NULL;
	xmlNode *root, *ci, *pi;
	xmlNs *ns;
	xmlChar *mem = NULL;
	const char *uri;
	unsigned tag, ntags;
	size_t n;
	int size = 0, ret = -EINVAL;

	if (out == NULL || outlen == NULL)
		return -EINVAL;
	*out = NULL;
	*outlen = 0;
	if (t == NULL || l == NULL || label_validate(t, l, &err) != 0)
		return -EINVAL;
	if (created != NULL && !time_ok(created))
		return -EINVAL;
	ret = -ENOMEM;
	if ((doc = xmlNewDoc(X("1.0"))) == NULL ||
	    (root = xmlNewNode(NULL, X("originatorConfidentialityLabel"))) ==
	    NULL)
		goto out;
	xmlDocSetRootElement(doc, root);
	if ((ns = xmlNewNs(root, X(XML4774_NS), NULL)) == NULL)
		goto out;
	xmlSetNs(root, ns);
	if ((ci = xmlNewChild(root, ns, X("ConfidentialityInformation"),
	    NULL)) == NULL ||
	    (pi = xmlNewTextChild(ci, ns, X("PolicyIdentifier"),
	    X(label_policy_id(t, l)))) == NULL ||
	    xmlNewTextChild(ci, ns, X("Classification"),
	    X(label_level_local(t, l))) == NULL)
		goto out;
	uri = policy_tables_uri(t, l->policy);
	if (uri != NULL && uri[0] != '\0' &&
	    xmlNewProp(pi, X("URI"), X(uri)) == NULL)
		goto out;
	ntags = policy_tables_ntags(t, l->policy);
	for (tag = 0; tag < ntags; tag++) {
		const char *name = policy_tables_tag(t, l->policy, tag, &type);

		n = label_tag_values(t, l, tag, vals, POLICY_VALUES_MAX);
		if (n == 0 || name == NULL)
			continue;
		if (add_category(ci, ns, name, types[type], vals, n) == NULL)
			goto out;
	}
	/* Always explicit: the owner token, then whatever REL adds. */
	n = label_rel_codes(t, l, true, codes, REL_CODES);
	if (add_category(ci, ns, "Releasable To", "PERMISSIVE", codes, n) ==
	    NULL)
		goto out;
	if (created != NULL &&
	    xmlNewTextChild(root, ns, X("CreationDateTime"), X(created)) ==
	    NULL)
		goto out;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	if (mem == NULL || size <= 0)
		goto out;
	if ((*out = malloc((size_t)size + 1)) == NULL)
		goto out;
	memcpy(*out, mem, (size_t)size);
	(*out)[size] = '\0';
	*outlen = (size_t)size;
	ret = 0;
out:
	if (mem != NULL)
		xmlFree(mem);
	xmlFreeDoc(doc);
	return ret;
}

/* --- import ---------------------------------------------------------- */

/*
 * libxml2 reports some errors (encoding conversion, I/O) through its
 * global handlers whatever the parser options say; a library must not
 * print, so they are silenced.  This is process-wide, which is fine while
 * this file is the only libxml2 user.
 */
static void
silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
silent_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/*
 * The encoding an XML declaration names, if any, must be one whose bytes
 * the DOCTYPE scan can read: UTF-8, US-ASCII or ISO-8859-1.  This runs
 * before libxml2 so that no other converter ever sees untrusted bytes.
 * p[0..len) starts at the document's first '<'.
 */
static bool
declared_encoding_ok(const char *p, size_t len)
{
	static const char *const ok_names[] = {
		"UTF-8", "US-ASCII", "ISO-8859-1",
	};
	const char *end, *e, *v;
	size_t i, n;
	char q;

	if (len < 5 || memcmp(p, "<?xml", 5) != 0)
		return true;
	if ((end = memmem(p, len, "?>", 2)) == NULL)
		return false;
	if ((e = memmem(p, (size_t)(end - p), "encoding", 8)) == NULL)
		return true;
	for (v = e + 8; v < end && (*v == ' ' || *v == '\t' || *v == '\r' ||
	    *v == '\n' || *v == '='); v++)
		;
	if (v >= end || (*v != '"' && *v != '\''))
		return false;
	q = *v++;
	for (n = 0; v + n < end && v[n] != q; n++)
		;
	for (i = 0; i < sizeof(ok_names) / sizeof(ok_names[0]); i++)
		if (strlen(ok_names[i]) == n &&
		    strncasecmp(v, ok_names[i], n) == 0)
			return true;
	return false;
}

static bool
is_4774(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    xmlStrEqual(n->ns->href, X(XML4774_NS)) &&
	    (name == NULL || xmlStrEqual(n->name, X(name)));
}

static bool
xml_space(xmlChar c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Next element child after n (or the first when first), skipping
 * comments, processing instructions and whitespace.  Other text, or an
 * entity reference, is an error (-EINVAL); NULL at the end.
 */
static int
next_element(xmlNode *n, xmlNode **out)
{
	const xmlChar *p;

	*out = NULL;
	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case XML_ELEMENT_NODE:
			*out = n;
			return 0;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			continue;
		case XML_TEXT_NODE:
			for (p = n->content; p != NULL && *p != '\0'; p++)
				if (!xml_space(*p))
					return -EINVAL;
			continue;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* The text of a leaf element, trimmed, into buf; no child elements. */
static int
leaf_text(const xmlNode *e, char *buf, size_t cap, struct label_error *err)
{
	const xmlNode *c;
	size_t n = 0, b, len;

	for (c = e->children; c != NULL; c = c->next) {
		if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
			continue;
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE)
			return fail(err, -EINVAL, "unexpected content in",
			    (const char *)e->name);
		len = c->content != NULL ? strlen((const char *)c->content) : 0;
		if (len >= cap - n)
			return fail(err, -EINVAL, "text too long in",
			    (const char *)e->name);
		memcpy(buf + n, c->content, len);
		n += len;
	}
	buf[n] = '\0';
	for (b = 0; b < n && xml_space((xmlChar)buf[b]); b++)
		;
	while (n > b && xml_space((xmlChar)buf[n - 1]))
		n--;
	memmove(buf, buf + b, n - b);
	buf[n - b] = '\0';
	if (buf[0] == '\0')
		return fail(err, -EINVAL, "empty element",
		    (const char *)e->name);
	return 0;
}

/* An attribute (no namespace), trimmed, into buf; 1 if absent. */
static int
attr_text(xmlNode *e, const char *name, char *buf, size_t cap,
    struct label_error *err)
{
	xmlChar *v;
	size_t len;

	if ((v = xmlGetNoNsProp(e, X(name))) == NULL) {
		buf[0] = '\0';
		return 1;
	}
	len = strlen((const char *)v);
	if (len >= cap) {
		xmlFree(v);
		return fail(err, -EINVAL, "attribute too long:", name);
	}
	memcpy(buf, v, len + 1);
	xmlFree(v);
	return 0;
}

static int
read_category(const struct policy_tables *t, xmlNode *cat, struct label *l,
    bool *rel_seen, char seen[][XML4774_TEXT_MAX], unsigned *nseen,
    struct label_error *err)
{
	char tag[XML4774_TEXT_MAX], type[XML4774_TEXT_MAX];
	char norm[XML4774_TEXT_MAX], val[XML4774_TEXT_MAX];
	enum policy_cat_type ct;
	xmlNode *v;
	unsigned i, count = 0;
	bool rel;
	int ret;

	if (attr_text(cat, "TagName", tag, sizeof(tag), err) != 0 ||
	    attr_text(cat, "Type", type, sizeof(type), err) != 0)
		return fail(err, -EINVAL, "Category needs TagName and Type",
		    NULL);
	if (label_normalise(tag, norm, sizeof(norm), err) != 0)
		return -EINVAL;
	if (strcmp(type, "RESTRICTIVE") == 0)
		ct = POLICY_CAT_RESTRICTIVE;
	else if (strcmp(type, "PERMISSIVE") == 0)
		ct = POLICY_CAT_PERMISSIVE;
	else if (strcmp(type, "INFORMATIVE") == 0)
		ct = POLICY_CAT_INFORMATIVE;
	else
		return fail(err, -EINVAL, "unknown Category Type", type);
	rel = strcmp(norm, "RELEASABLE TO") == 0;
	if (rel) {
		if (ct != POLICY_CAT_PERMISSIVE)
			return fail(err, -EINVAL, "Releasable To must be "
			    "PERMISSIVE, not", type);
		if (*rel_seen)
			return fail(err, -EINVAL, "second Releasable To "
			    "category", NULL);
		*rel_seen = true;
	} else {
		/* Two groups of one tag: AND or OR?  Refuse to guess. */
		for (i = 0; i < *nseen; i++)
			if (strcmp(seen[i], norm) == 0)
				return fail(err, -EINVAL, "repeated Category",
				    tag);
		if (*nseen >= POLICY_TAGS_MAX)
			return fail(err, -EINVAL, "too many categories", NULL);
		memcpy(seen[(*nseen)++], norm, strlen(norm) + 1);
	}
	if ((ret = next_element(cat->children, &v)) != 0)
		return fail(err, ret, "unexpected content in Category", tag);
	while (v != NULL) {
		if (!is_4774(v, "GenericValue"))
			return fail(err, -EINVAL, "unexpected element in "
			    "Category:", (const char *)v->name);
		if (leaf_text(v, val, sizeof(val), err) != 0)
			return -EINVAL;
		if (rel)
			ret = label_add_rel(t, l, val, err);
		else
			ret = label_add_value(t, l, tag, ct, val, err);
		if (ret != 0)
			return ret;
		if (++count > POLICY_VALUES_MAX + REL_CODES)
			return fail(err, -EINVAL, "too many values", NULL);
		if ((ret = next_element(v->next, &v)) != 0)
			return fail(err, ret, "unexpected content in Category",
			    tag);
	}
	if (count == 0)
		return fail(err, -EINVAL, "Category without GenericValue", tag);
	return 0;
}

static int
read_policy(const struct policy_tables *t, xmlNode *pi, char *id, size_t cap,
    struct label_error *err)
{
	char uri[POLICY_URI_MAX + 1], url[POLICY_URI_MAX + 1];
	const char *want;
	int has_uri, has_url, idx;

	if (leaf_text(pi, id, cap, err) != 0)
		return -EINVAL;
	if ((has_uri = attr_text(pi, "URI", uri, sizeof(uri), err)) < 0 ||
	    (has_url = attr_text(pi, "URL", url, sizeof(url), err)) < 0)
		return -EINVAL;
	if (has_uri == 0 && has_url == 0 && strcmp(uri, url) != 0)
		return fail(err, -EINVAL, "PolicyIdentifier URI and URL differ",
		    NULL);
	if ((idx = policy_tables_find(t, id)) < 0)
		return fail(err, -EINVAL, "unknown policy", id);
	want = policy_tables_uri(t, idx);
	if (want != NULL && want[0] != '\0' && (has_uri == 0 || has_url == 0) &&
	    strcmp(has_uri == 0 ? uri : url, want) != 0)
		return fail(err, -EINVAL, "PolicyIdentifier URI does not match "
		    "the configured one for", id);
	return 0;
}

static int
read_info(const struct policy_tables *t, xmlNode *ci, struct label *l,
    struct label_error *err)
{
	char id[XML4774_TEXT_MAX], cls[XML4774_TEXT_MAX];
	char seen[POLICY_TAGS_MAX][XML4774_TEXT_MAX];
	xmlNode *e, *pi = NULL, *cl = NULL, *pm = NULL;
	unsigned nseen = 0;
	bool rel_seen = false;
	int ret;

	/* First pass: the class, which every category needs. */
	for (ret = next_element(ci->children, &e); ret == 0 && e != NULL;
	    ret = next_element(e->next, &e)) {
		xmlNode **slot;

		if (is_4774(e, "PolicyIdentifier"))
			slot = &pi;
		else if (is_4774(e, "Classification"))
			slot = &cl;
		else if (is_4774(e, "PrivacyMark"))
			slot = &pm;
		else if (is_4774(e, "Category"))
			continue;
		else
			return fail(err, -EINVAL, "unexpected element in "
			    "ConfidentialityInformation:",
			    (const char *)e->name);
		if (*slot != NULL)
			return fail(err, -EINVAL, "repeated element",
			    (const char *)e->name);
		*slot = e;
	}
	if (ret != 0)
		return fail(err, ret, "unexpected content in "
		    "ConfidentialityInformation", NULL);
	if (pi == NULL)
		return fail(err, -EINVAL, "missing PolicyIdentifier", NULL);
	if (cl == NULL)
		return fail(err, -EINVAL, "missing Classification (there is "
		    "no default label)", NULL);
	if (read_policy(t, pi, id, sizeof(id), err) != 0 ||
	    leaf_text(cl, cls, sizeof(cls), err) != 0)
		return -EINVAL;
	if ((ret = label_init(t, id, cls, l, err)) != 0)
		return ret;
	for (ret = next_element(ci->children, &e); ret == 0 && e != NULL;
	    ret = next_element(e->next, &e))
		if (is_4774(e, "Category") && (ret = read_category(t, e, l,
		    &rel_seen, seen, &nseen, err)) != 0)
			return ret;
	if (ret != 0)
		return ret;
	return label_validate(t, l, err);
}

static int
read_root(const struct policy_tables *t, xmlDoc *doc, struct label *l,
    struct label_error *err)
{
	xmlNode *root, *e, *ci = NULL, *ct = NULL, *oi = NULL;
	int ret;

	if (doc->intSubset != NULL || doc->extSubset != NULL)
		return fail(err, -EINVAL, "a DTD is not allowed", NULL);
	if ((root = xmlDocGetRootElement(doc)) == NULL)
		return fail(err, -EINVAL, "no root element", NULL);
	if (!is_4774(root, "originatorConfidentialityLabel") &&
	    !is_4774(root, "OriginatorConfidentialityLabel"))
		return fail(err, -EINVAL, "the root is not an "
		    "originatorConfidentialityLabel in the 4774 namespace:",
		    (const char *)root->name);
	for (ret = next_element(root->children, &e); ret == 0 && e != NULL;
	    ret = next_element(e->next, &e)) {
		xmlNode **slot;

		if (is_4774(e, "ConfidentialityInformation"))
			slot = &ci;
		else if (is_4774(e, "CreationDateTime"))
			slot = &ct;
		else if (is_4774(e, "OriginatorID"))
			slot = &oi;
		else
			return fail(err, -EINVAL, "unexpected element",
			    (const char *)e->name);
		if (*slot != NULL)
			return fail(err, -EINVAL, "repeated element",
			    (const char *)e->name);
		*slot = e;
	}
	if (ret != 0)
		return fail(err, ret, "unexpected content in the label", NULL);
	if (ci == NULL)
		return fail(err, -EINVAL, "missing ConfidentialityInformation",
		    NULL);
	return read_info(t, ci, l, err);
}

int
xml4774_import(const struct policy_tables *t, const char *buf, size_t len,
    struct label *l, struct label_error *err)
{
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;
	size_t skip;
	int ret;

	if (err != NULL) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
	if (l == NULL)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	if (t == NULL || buf == NULL)
		return fail(err, -EINVAL, "no input", NULL);
	if (len > XML4774_MAX)
		return fail(err, -EMSGSIZE, "XML label larger than 64 KiB",
		    NULL);
	if (len == 0)
		return fail(err, -EINVAL, "empty XML label", NULL);
	if (memchr(buf, '\0', len) != NULL)
		return fail(err, -EINVAL, "NUL byte in XML label", NULL);
	/*
	 * No DTD at all: this rules out external entities, external DTD
	 * subsets and entity expansion bombs before libxml2 parses a byte.
	 */
	if (memmem(buf, len, "<!DOCTYPE", 9) != NULL ||
	    memmem(buf, len, "<!ENTITY", 8) != NULL)
		return fail(err, -EINVAL, "a DOCTYPE or ENTITY declaration is "
		    "not allowed", NULL);
	/*
	 * An ASCII-compatible document only (UTF-8 with or without BOM, or
	 * a declared Latin-1): in any other encoding the scan above could
	 * not see a DOCTYPE.
	 */
	skip = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	while (skip < len && (buf[skip] == ' ' || buf[skip] == '\t' ||
	    buf[skip] == '\r' || buf[skip] == '\n'))
		skip++;
	if (skip == len || buf[skip] != '<')
		return fail(err, -EINVAL, "not an XML document in UTF-8", NULL);
	if (!declared_encoding_ok(buf + skip, len - skip))
		return fail(err, -EINVAL, "unsupported encoding (UTF-8, "
		    "US-ASCII or ISO-8859-1 only)", NULL);
	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(NULL, silent_structured);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return fail(err, -ENOMEM, "out of memory", NULL);
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		ret = fail(err, -EINVAL, "malformed XML", NULL);
		goto out;
	}
	if (doc->encoding != NULL &&
	    xmlStrcasecmp(doc->encoding, X("UTF-8")) != 0 &&
	    xmlStrcasecmp(doc->encoding, X("US-ASCII")) != 0 &&
	    xmlStrcasecmp(doc->encoding, X("ISO-8859-1")) != 0) {
		ret = fail(err, -EINVAL, "unsupported encoding",
		    (const char *)doc->encoding);
		goto out;
	}
	ret = read_root(t, doc, l, err);
out:
	if (ret != 0)
		memset(l, 0, sizeof(*l));
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return ret;
}
