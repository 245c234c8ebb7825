// The linear scan the way Django does it (django/http/request.py validate_host and split_domain_port,
// django/utils/http.py is_same_domain), for comparison: every request walks the whole list.

const DJANGO_HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$/;

function splitDomainPort(host) {
  const match = DJANGO_HOST.exec(host.toLowerCase());
  if (match === null) return '';
  const domain = match[1];
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

function isSameDomain(host, pattern) {
  if (!pattern) return false;
  const lowered = pattern.toLowerCase();
  return (lowered[0] === '.' && (host.endsWith(lowered) || host === lowered.slice(1))) || lowered === host;
}

export function djangoLinearScan(hostHeader, patterns) {
  const domain = splitDomainPort(hostHeader);
  if (domain === '') return false;
  for (const pattern of patterns) if (pattern === '*' || isSameDomain(domain, pattern)) return true;
  return false;
}
