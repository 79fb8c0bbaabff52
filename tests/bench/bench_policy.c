/* SPDX-License-Identifier: ISC */
/*
 * bench_policy: the policy engine's throughput on one core.
 *   decisions/s on already-parsed labels (target >= 1,000,000/s)
 *   labels parsed and validated per second (target >= 200,000/s)
 * Prints a table and appends policy_decisions_per_s=... and
 * label_parse_per_s=... to the file named by $BENCH_RESULTS, if set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "policy/clearance.h"
#include "policy/label.h"
#include "policy/policy.h"

#define DECISION_TARGET	1000000.0
#define PARSE_TARGET	200000.0

static const char *const labels[] = {
	"NATO SECRET//ATOMAL//REL TO BEL,NLD",
	"BE:GEHEIM//REL NLD",
	"NATO UNCLASSIFIED//STAFF",
	" nato secret // rel to bel , nld ",
	"TRÈS SECRET UE/EU TOP SECRET//REL TO NATO",
	"COSMIC TOP SECRET//ATOMAL/BOHEMIA//KFOR/NMI//MEDICAL//REL TO USA,GBR",
	"BE:DIFFUSION RESTREINTE",
	"NATO RESTRICTED//REL TO NATO,JPN,CHE,UKR",
};

static const struct {
	const char *clr, *nat, *orgs;
} subjects[] = {
	{ "BE:SECRET+NATO:SECRET[ATOMAL,KFOR]", "BEL", "NATO,EU" },
	{ "NATO:CONFIDENTIAL[ATOMAL]", "NLD", "NATO" },
	{ "BE:TRES SECRET", "BEL", "-" },
	{ "EU:SECRET+BE:CONFIDENTIEL", "FRA", "EU" },
};

#define NLABELS	(sizeof(labels) / sizeof(labels[0]))
#define NSUBJ	(sizeof(subjects) / sizeof(subjects[0]))

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct policy_tables *t;
	struct clearance_subject subj[NSUBJ], node;
	struct label parsed[NLABELS], l;
	struct policy_decision d;
	struct label_error err;
	unsigned long i, n, allows = 0, parses = 0;
	double t0, dt, dps, pps;
	const char *path;
	FILE *f;

	if ((t = policy_tables_new()) == NULL)
		return 1;
	for (i = 0; i < NLABELS; i++)
		if (label_parse(t, labels[i], &parsed[i], &err) != 0) {
			fprintf(stderr, "bench_policy: '%s': %s\n", labels[i],
			    err.msg);
			return 1;
		}
	for (i = 0; i < NSUBJ; i++) {
		clearance_subject_init(&subj[i]);
		if (clearance_parse(t, subjects[i].clr, &subj[i], &err) != 0 ||
		    clearance_parse_nat(subjects[i].nat, &subj[i], &err) != 0 ||
		    clearance_parse_orgs(subjects[i].orgs, &subj[i], &err) != 0)
			return 1;
	}
	clearance_subject_init(&node);
	if (clearance_parse(t, "BE:TRES SECRET+NATO:COSMIC TOP SECRET[ATOMAL,"
	    "BOHEMIA,CRYPTO,KFOR,NMI]+EU:TRES SECRET", &node, &err) != 0 ||
	    clearance_parse_nat("BEL", &node, &err) != 0 ||
	    clearance_parse_orgs("NATO,EU", &node, &err) != 0)
		return 1;

	/* Decisions: node check then subject, a mix of allows and denies. */
	n = 4000000;
	t0 = now();
	for (i = 0; i < n; i++) {
		if (policy_decide(t, POLICY_OP_READ, &parsed[i % NLABELS],
		    &node, &subj[(i / NLABELS) % NSUBJ], &d) != 0)
			return 1;
		allows += d.allow;
	}
	dt = now() - t0;
	dps = (double)n / dt;

	/* Parsing and validation from text, normalisation included. */
	n = 1000000;
	t0 = now();
	for (i = 0; i < n; i++)
		parses += label_parse(t, labels[i % NLABELS], &l, &err) == 0;
	dt = now() - t0;
	pps = (double)n / dt;

	printf("%-28s %14s %14s\n", "figure", "value", "target");
	printf("%-28s %14.0f %14.0f %s\n", "policy decisions/s", dps,
	    DECISION_TARGET, dps >= DECISION_TARGET ? "ok" : "BELOW");
	printf("%-28s %14.0f %14.0f %s\n", "labels parsed/s", pps,
	    PARSE_TARGET, pps >= PARSE_TARGET ? "ok" : "BELOW");
	printf("(%lu of the decisions allowed, %lu parses)\n", allows, parses);
	if ((path = getenv("BENCH_RESULTS")) != NULL) {
		if ((f = fopen(path, "a")) == NULL) {
			perror(path);
			return 1;
		}
		fprintf(f, "policy_decisions_per_s=%.0f\n", dps);
		fprintf(f, "label_parse_per_s=%.0f\n", pps);
		fclose(f);
	}
	policy_tables_free(&t);
	return dps >= DECISION_TARGET && pps >= PARSE_TARGET ? 0 : 1;
}
