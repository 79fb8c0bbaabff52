/* SPDX-License-Identifier: ISC */
/*
 * fuzz_conf: the configuration reader on arbitrary text.  Anything it
 * accepts must hold the invariants the rest of the node relies on.
 */
#include <stdlib.h>
#include <string.h>

#include "node/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf_errors errs;
	struct conf *conf = NULL;
	char *text;
	size_t i;

	if (size > 64 * 1024)
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_load_text("/fuzz/valise.conf", text, size, &conf, &errs) == 0) {
		if (conf->name[0] == '\0' || conf->state_dir[0] != '/')
			abort();
		for (i = 0; i < conf->nroutes; i++)
			if (conf_peer(conf, conf->routes[i].via) == NULL)
				abort();
		conf_free(&conf);
	} else if (conf != NULL || errs.n == 0) {
		abort();
	}
	free(text);
	return 0;
}
