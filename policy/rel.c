/* SPDX-License-Identifier: ISC */
/*
 * rel: the releasability code space.  Every officially assigned ISO 3166-1
 * alpha-3 code (249, as published by the ISO 3166 Maintenance Agency and
 * shipped in Debian's iso-codes) plus the organisation tokens EU and NATO,
 * in one table sorted by strcmp.  A code's index in the table is its bit in
 * a label's REL set, so iterating the bits yields sorted display order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "policy/rel.h"

static const char rel_codes[REL_CODES][5] = {
	"ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE",
	"ARG", "ARM", "ASM", "ATA", "ATF", "ATG", "AUS", "AUT",
	"AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR",
	"BHR", "BHS", "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL",
	"BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF", "CAN",
	"CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG",
	"COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR",
	"CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM",
	"DZA", "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH",
	"EU", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB",
	"GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB",
	"GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM",
	"GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN",
	"IMN", "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR",
	"ITA", "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ",
	"KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR",
	"LBY", "LCA", "LIE", "LKA", "LSO", "LTU", "LUX", "LVA",
	"MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
	"MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP",
	"MOZ", "MRT", "MSR", "MTQ", "MUS", "MWI", "MYS", "MYT",
	"NAM", "NATO", "NCL", "NER", "NFK", "NGA", "NIC", "NIU",
	"NLD", "NOR", "NPL", "NRU", "NZL", "OMN", "PAK", "PAN",
	"PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
	"PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS",
	"RWA", "SAU", "SDN", "SEN", "SGP", "SGS", "SHN", "SJM",
	"SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD",
	"STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC",
	"SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL", "TKM",
	"TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA",
	"UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT",
	"VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM",
	"ZAF", "ZMB", "ZWE",
};

_Static_assert(sizeof(rel_codes) / sizeof(rel_codes[0]) == REL_CODES,
    "REL_CODES must match the table");

int
rel_lookup(const char *s, size_t len)
{
	size_t lo = 0, hi = REL_CODES;
	char key[5];
	int c;

	if (s == NULL || len < 2 || len > 4)
		return -1;
	memcpy(key, s, len);
	key[len] = '\0';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		c = strcmp(key, rel_codes[mid]);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const char *
rel_code(int idx)
{
	if (idx < 0 || idx >= REL_CODES)
		return NULL;
	return rel_codes[idx];
}

bool
rel_is_org(int idx)
{
	return idx >= 0 && idx < REL_CODES && strlen(rel_codes[idx]) != 3;
}
