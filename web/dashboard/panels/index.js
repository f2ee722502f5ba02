// Every dashboard panel module; each registers itself on import.
import './population.js';
import './imports.js';
import './rounds.js';
import './isolation.js';
import './transport.js';
import './roster.js';
import './workorders.js';
import './sweeps.js';
import './supplies.js';
import './disinfection.js';
