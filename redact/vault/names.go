package vault

// Fictional names for PERSON surrogates: plausible, international, deliberately uncommon
// surnames. A pick depends only on the value's keyed hash.
var givenNames = []string{
	"Alex", "Robin", "Sam", "Jamie", "Charlie", "Taylor", "Jordan", "Casey",
	"Morgan", "Riley", "Avery", "Quinn", "Rowan", "Sasha", "Noa", "Eli",
	"Mika", "Luca", "Nico", "Toni", "Andrea", "Jules", "Dana", "Kai",
	"Remy", "Ari", "Jo", "Lou", "Maxime", "Elia", "Kim", "Sidney",
}

var surnames = []string{
	"Ashworth", "Blakemore", "Calloway", "Dunmore", "Ellery", "Fairbanks", "Greaves", "Hartwell",
	"Ingleby", "Jessop", "Kettering", "Lockwood", "Marlow", "Northcott", "Oakley", "Pembridge",
	"Quayle", "Redfern", "Stanway", "Thornbury", "Upcott", "Vance", "Whitlock", "Yardley",
	"Ainsley", "Brightwater", "Coldridge", "Delacourt", "Everly", "Fenwick", "Galloway", "Holloway",
}
