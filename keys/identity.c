/* SPDX-License-Identifier: ISC */
/*
 * identity: one node secret, per-purpose keys derived with prim_kdf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/prim.h"
#include "crypto/secmem.h"
#include "keys/identity.h"

/* Everything secret, in one guarded allocation. */
struct secrets {
	uint8_t	master[IDENTITY_SECRET_BYTES];
	uint8_t	sign_sk[PRIM_SIGN_SK_BYTES];
	uint8_t	box_sk[PRIM_BOX_SK_BYTES];
	uint8_t	curve_sk[PRIM_BOX_SK_BYTES];
};

struct identity {
	char		 name[NAME_NODE_MAX + 1];
	uint8_t		 sign_pk[PRIM_SIGN_PK_BYTES];
	uint8_t		 box_pk[PRIM_BOX_PK_BYTES];
	uint8_t		 curve_pk[PRIM_BOX_PK_BYTES];
	struct secrets	*s;
};

static const struct {
	const char	*purpose;
	uint64_t	 id;
} db_keys[] = {
	{ "store", 1 },
	{ "audit", 2 },
};

int
identity_from_secret(const char *name,
    const uint8_t secret[IDENTITY_SECRET_BYTES], struct identity **idp)
{
	struct identity *id;
	uint8_t seed[32];
	int ret = -EINVAL;

	*idp = NULL;
	if (name == NULL || !name_node_valid(name, strlen(name)) ||
	    secret == NULL)
		return -EINVAL;
	if ((id = calloc(1, sizeof(*id))) == NULL)
		return -ENOMEM;
	if ((id->s = secmem_alloc(sizeof(*id->s))) == NULL) {
		ret = -ENOMEM;
		goto out_free;
	}
	memcpy(id->name, name, strlen(name) + 1);
	memcpy(id->s->master, secret, IDENTITY_SECRET_BYTES);
	if (prim_kdf(seed, sizeof(seed), 1, IDENTITY_CTX_SIGN, secret) != 0 ||
	    prim_sign_keypair(id->sign_pk, id->s->sign_sk, seed) != 0 ||
	    prim_kdf(seed, sizeof(seed), 1, IDENTITY_CTX_BOX, secret) != 0 ||
	    prim_box_keypair(id->box_pk, id->s->box_sk, seed) != 0 ||
	    prim_kdf(seed, sizeof(seed), 1, IDENTITY_CTX_CURVE, secret) != 0 ||
	    prim_box_keypair(id->curve_pk, id->s->curve_sk, seed) != 0)
		goto out_free;
	if ((ret = secmem_readonly(id->s)) != 0)
		goto out_free;
	secmem_wipe(seed, sizeof(seed));
	*idp = id;
	return 0;
out_free:
	secmem_wipe(seed, sizeof(seed));
	identity_free(&id);
	return ret;
}

int
identity_generate(const char *name, struct identity **idp)
{
	uint8_t *secret;
	int ret;

	*idp = NULL;
	if ((secret = secmem_alloc(IDENTITY_SECRET_BYTES)) == NULL)
		return -ENOMEM;
	prim_random(secret, IDENTITY_SECRET_BYTES);
	ret = identity_from_secret(name, secret, idp);
	secmem_free(secret);
	return ret;
}

const char *
identity_name(const struct identity *id)
{
	return id->name;
}

const uint8_t *
identity_sign_pk(const struct identity *id)
{
	return id->sign_pk;
}

const uint8_t *
identity_box_pk(const struct identity *id)
{
	return id->box_pk;
}

const uint8_t *
identity_curve_pk(const struct identity *id)
{
	return id->curve_pk;
}

const uint8_t *
identity_sign_sk(const struct identity *id)
{
	return id->s->sign_sk;
}

const uint8_t *
identity_box_sk(const struct identity *id)
{
	return id->s->box_sk;
}

const uint8_t *
identity_curve_sk(const struct identity *id)
{
	return id->s->curve_sk;
}

const uint8_t *
identity_secret(const struct identity *id)
{
	return id->s->master;
}

int
identity_db_key(const struct identity *id, const char *purpose,
    uint8_t out[IDENTITY_DB_KEY_BYTES])
{
	size_t i;

	memset(out, 0, IDENTITY_DB_KEY_BYTES);
	for (i = 0; purpose != NULL && i < sizeof(db_keys) / sizeof(*db_keys);
	    i++)
		if (strcmp(purpose, db_keys[i].purpose) == 0)
			return prim_kdf(out, IDENTITY_DB_KEY_BYTES,
			    db_keys[i].id, IDENTITY_CTX_DB, id->s->master);
	return -EINVAL;
}

void
identity_free(struct identity **idp)
{
	struct identity *id;

	if (idp == NULL || (id = *idp) == NULL)
		return;
	secmem_free(id->s);
	secmem_wipe(id, sizeof(*id));
	free(id);
	*idp = NULL;
}
