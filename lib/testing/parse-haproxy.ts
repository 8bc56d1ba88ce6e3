/** The parsed view of haproxy.conf (it lives with HAProxy: `haproxy -c` staging reads it too). */
export * from '../haproxy/haproxy-conf-view';
