/* Generated from schema.json by `npm run generate:validator`. Do not edit by hand. */
/* eslint-disable */
// @ts-nocheck
"use strict";
export const validate = validate10;
export default validate10;
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","title":"HealthChecksConfig","description":"Configuration for koa-allow-healthchecks: which Host headers a Koa app accepts, and how authenticated health probes get past that check.","type":"object","additionalProperties":false,"properties":{"$schema":{"description":"The JSON Schema this file follows, for editor autocompletion. Ignored at runtime.","type":"string","examples":["./node_modules/koa-allow-healthchecks/schema.json"]},"allowedHosts":{"description":"Host patterns the app answers to. \"example.com\" matches that name on any port; \".example.com\" the domain and all its subdomains; \"*.example.com\" subdomains only; \"example.com:8443\" that host on that port only; \"10.1.2.3\" and \"[::1]\" an IP literal; \"10.0.0.0/8\" and \"fd00::/8\" an IP range; \"*\" any valid host. Defaults to [\".localhost\", \"127.0.0.1\", \"[::1]\"].","type":"array","minItems":1,"items":{"type":"string","minLength":1},"examples":[["example.com",".example.org"],["api.example.com","10.0.0.0/8"]]},"allowedHostsEnv":{"description":"Name of the environment variable that can hold allowedHosts as a comma-separated list (ALLOWED_HOSTS=example.com,.example.org). When it is set, it replaces the config file's allowedHosts; an allowedHosts option in code replaces both. false: read no variable.","anyOf":[{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*$"},{"const":false}],"default":"ALLOWED_HOSTS","examples":["ALLOWED_HOSTS",false]},"probe":{"description":"The probe bypass: a request carrying a configured token in the probe header passes whatever its Host, and with localAddress on, so does a request whose Host is the address it arrived on.","type":"object","additionalProperties":false,"properties":{"header":{"description":"Name of the request header that carries the probe token, case-insensitive.","type":"string","pattern":"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$","default":"X-Health","examples":["X-Health"]},"value":{"description":"The accepted token, or several for rotation. Prefer the environment variable named by valueEnv: a token in a config file is a secret in source control.","anyOf":[{"type":"string","minLength":1,"pattern":"^[!-~](?:[ -~]*[!-~])?$"},{"type":"array","minItems":1,"items":{"type":"string","minLength":1,"pattern":"^[!-~](?:[ -~]*[!-~])?$"}}],"examples":["replace-with-a-long-random-value",["old-token","new-token"]]},"valueEnv":{"description":"Name of the environment variable that holds the token. A comma-separated value gives several tokens.","type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*$","default":"HEALTH_CHECK_HEADER_VALUE","examples":["HEALTH_CHECK_HEADER_VALUE"]},"paths":{"description":"When set, the bypass works only on these exact paths; the query string is ignored.","type":"array","minItems":1,"items":{"type":"string","pattern":"^/[^?#\\s]*$"},"examples":[["/health-check/","/ready"]]},"methods":{"description":"HTTP methods that may use the bypass.","type":"array","minItems":1,"items":{"type":"string","enum":["GET","HEAD","POST","PUT","PATCH","DELETE","OPTIONS"]},"default":["GET","HEAD"],"examples":[["GET","HEAD"]]},"localAddress":{"description":"Also treat as a probe, with no token, a request whose Host is the very IP address (and port, if it names one) the connection arrived on, and which carries no X-Forwarded-Host or Forwarded header: what the kubelet, AWS ALB and Google Cloud health checks send. Requires probe.paths.","type":"boolean","default":false,"examples":[true]}},"examples":[{"header":"X-Health","paths":["/health-check/","/ready"]}]},"exemptPaths":{"description":"Paths that skip the host check with no header at all, for probers that cannot send one (AWS ALB, GCP). GET and HEAD only, exact path, query string ignored.","type":"array","items":{"type":"string","pattern":"^/[^?#\\s]*$"},"examples":[["/health-check/"]]},"endpoints":{"description":"Probe endpoints the package answers itself, GET and HEAD, with JSON and Cache-Control: no-store: liveness (200 while the process answers), readiness (200 when every critical check passes; 503 starting, unready or draining) and startup (503 until every critical check has first passed). Their paths join probe.paths. A request to them still passes the host policy only as a probe or with an allowed host.","type":"object","additionalProperties":false,"minProperties":1,"properties":{"liveness":{"description":"The liveness endpoint's path.","type":"string","pattern":"^/[^?#\\s]*$","examples":["/livez"]},"readiness":{"description":"The readiness endpoint's path.","type":"string","pattern":"^/[^?#\\s]*$","examples":["/readyz"]},"startup":{"description":"The startup endpoint's path.","type":"string","pattern":"^/[^?#\\s]*$","examples":["/startupz"]}},"examples":[{"liveness":"/livez","readiness":"/readyz","startup":"/startupz"}]},"shutdown":{"description":"What guard.lifecycle(server) does on a signal: readiness turns 503 draining at once; the server keeps serving for drainDelay ms, then stops accepting, ends each connection after its response in flight, closes idle keep-alive connections, waits up to timeout ms for the rest and for onShutdown, and the process exits 0 (1 when timeout forced it). A second signal exits 1 at once.","type":"object","additionalProperties":false,"properties":{"signals":{"description":"The signals that start a shutdown.","type":"array","minItems":1,"items":{"enum":["SIGTERM","SIGINT","SIGHUP","SIGQUIT","SIGUSR1","SIGUSR2"]},"default":["SIGTERM","SIGINT"],"examples":[["SIGTERM","SIGINT"]]},"drainDelay":{"description":"Milliseconds to keep serving after the signal, while load balancers see readiness fail and stop sending.","type":"integer","minimum":0,"maximum":600000,"default":5000,"examples":[5000]},"timeout":{"description":"Milliseconds, after drainDelay, to wait for the requests in flight and onShutdown before the exit is forced (exit code 1).","type":"integer","minimum":1,"maximum":600000,"default":30000,"examples":[30000]}},"examples":[{"signals":["SIGTERM","SIGINT"],"drainDelay":5000,"timeout":30000}]},"trustProxy":{"description":"Validate X-Forwarded-Host instead of Host. Defaults to the Koa app's `proxy` setting.","type":"boolean","examples":[false]},"rejectStatus":{"description":"HTTP status code sent when the host is not allowed.","type":"integer","minimum":400,"maximum":499,"default":400,"examples":[400,421]},"reportOnly":{"description":"Report-only mode, for rolling out: a request the allowlist would reject goes on to the app, with ctx.state.healthCheck.wouldReject set to the reason, and is reported to onReject, the diagnostics channel and the counters.","type":"boolean","default":false,"examples":[true]},"watch":{"description":"Reload when this config file changes, debounced. A file that fails to load keeps the last good policy and is reported as a warning (KOA_ALLOW_HEALTHCHECKS_RELOAD_FAILED) and on the koa-allow-healthchecks:reload diagnostics channel. The watcher never keeps the process alive.","type":"boolean","default":false,"examples":[true]}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = ((text) => { let count = 0; for (const _ of text) count++; return count; });
const pattern0 = new RegExp("^[A-Za-z_][A-Za-z0-9_]*$", "u");
const pattern1 = new RegExp("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", "u");
const pattern2 = new RegExp("^[!-~](?:[ -~]*[!-~])?$", "u");
const pattern5 = new RegExp("^/[^?#\\s]*$", "u");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func2.call(schema11.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.$schema !== undefined){
let data0 = data.$schema;
if(typeof data0 !== "string"){
const err1 = {instancePath:instancePath+"/$schema",schemaPath:"#/properties/%24schema/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.$schema.type,parentSchema:schema11.properties.$schema,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.allowedHosts !== undefined){
let data1 = data.allowedHosts;
if(Array.isArray(data1)){
if(data1.length < 1){
const err2 = {instancePath:instancePath+"/allowedHosts",schemaPath:"#/properties/allowedHosts/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.allowedHosts,data:data1};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
const len0 = data1.length;
for(let i0=0; i0<len0; i0++){
let data2 = data1[i0];
if(typeof data2 === "string"){
if(func3(data2) < 1){
const err3 = {instancePath:instancePath+"/allowedHosts/" + i0,schemaPath:"#/properties/allowedHosts/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.allowedHosts.items,data:data2};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/allowedHosts/" + i0,schemaPath:"#/properties/allowedHosts/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.allowedHosts.items.type,parentSchema:schema11.properties.allowedHosts.items,data:data2};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
}
else {
const err5 = {instancePath:instancePath+"/allowedHosts",schemaPath:"#/properties/allowedHosts/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.allowedHosts.type,parentSchema:schema11.properties.allowedHosts,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.allowedHostsEnv !== undefined){
let data3 = data.allowedHostsEnv;
const _errs9 = errors;
let valid3 = false;
const _errs10 = errors;
if(typeof data3 === "string"){
if(!pattern0.test(data3)){
const err6 = {instancePath:instancePath+"/allowedHostsEnv",schemaPath:"#/properties/allowedHostsEnv/anyOf/0/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema11.properties.allowedHostsEnv.anyOf[0],data:data3};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/allowedHostsEnv",schemaPath:"#/properties/allowedHostsEnv/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.allowedHostsEnv.anyOf[0].type,parentSchema:schema11.properties.allowedHostsEnv.anyOf[0],data:data3};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
var _valid0 = _errs10 === errors;
valid3 = valid3 || _valid0;
if(!valid3){
const _errs12 = errors;
if(false !== data3){
const err8 = {instancePath:instancePath+"/allowedHostsEnv",schemaPath:"#/properties/allowedHostsEnv/anyOf/1/const",keyword:"const",params:{allowedValue: false},message:"must be equal to constant",schema:false,parentSchema:schema11.properties.allowedHostsEnv.anyOf[1],data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
var _valid0 = _errs12 === errors;
valid3 = valid3 || _valid0;
}
if(!valid3){
const err9 = {instancePath:instancePath+"/allowedHostsEnv",schemaPath:"#/properties/allowedHostsEnv/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.allowedHostsEnv.anyOf,parentSchema:schema11.properties.allowedHostsEnv,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
else {
errors = _errs9;
if(vErrors !== null){
if(_errs9){
vErrors.length = _errs9;
}
else {
vErrors = null;
}
}
}
}
if(data.probe !== undefined){
let data4 = data.probe;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key1 in data4){
if(!((((((key1 === "header") || (key1 === "value")) || (key1 === "valueEnv")) || (key1 === "paths")) || (key1 === "methods")) || (key1 === "localAddress"))){
const err10 = {instancePath:instancePath+"/probe",schemaPath:"#/properties/probe/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.probe,data:data4};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data4.header !== undefined){
let data5 = data4.header;
if(typeof data5 === "string"){
if(!pattern1.test(data5)){
const err11 = {instancePath:instancePath+"/probe/header",schemaPath:"#/properties/probe/properties/header/pattern",keyword:"pattern",params:{pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"},message:"must match pattern \""+"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"+"\"",schema:"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",parentSchema:schema11.properties.probe.properties.header,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/probe/header",schemaPath:"#/properties/probe/properties/header/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.probe.properties.header.type,parentSchema:schema11.properties.probe.properties.header,data:data5};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data4.value !== undefined){
let data6 = data4.value;
const _errs19 = errors;
let valid5 = false;
const _errs20 = errors;
if(typeof data6 === "string"){
if(func3(data6) < 1){
const err13 = {instancePath:instancePath+"/probe/value",schemaPath:"#/properties/probe/properties/value/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.probe.properties.value.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(!pattern2.test(data6)){
const err14 = {instancePath:instancePath+"/probe/value",schemaPath:"#/properties/probe/properties/value/anyOf/0/pattern",keyword:"pattern",params:{pattern: "^[!-~](?:[ -~]*[!-~])?$"},message:"must match pattern \""+"^[!-~](?:[ -~]*[!-~])?$"+"\"",schema:"^[!-~](?:[ -~]*[!-~])?$",parentSchema:schema11.properties.probe.properties.value.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/probe/value",schemaPath:"#/properties/probe/properties/value/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.probe.properties.value.anyOf[0].type,parentSchema:schema11.properties.probe.properties.value.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
var _valid1 = _errs20 === errors;
valid5 = valid5 || _valid1;
if(!valid5){
const _errs22 = errors;
if(Array.isArray(data6)){
if(data6.length < 1){
const err16 = {instancePath:instancePath+"/probe/value",schemaPath:"#/properties/probe/properties/value/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.probe.properties.value.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
const len1 = data6.length;
for(let i1=0; i1<len1; i1++){
let data7 = data6[i1];
if(typeof data7 === "string"){
if(func3(data7) < 1){
const err17 = {instancePath:instancePath+"/probe/value/" + i1,schemaPath:"#/properties/probe/properties/value/anyOf/1/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.probe.properties.value.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(!pattern2.test(data7)){
const err18 = {instancePath:instancePath+"/probe/value/" + i1,schemaPath:"#/properties/probe/properties/value/anyOf/1/items/pattern",keyword:"pattern",params:{pattern: "^[!-~](?:[ -~]*[!-~])?$"},message:"must match pattern \""+"^[!-~](?:[ -~]*[!-~])?$"+"\"",schema:"^[!-~](?:[ -~]*[!-~])?$",parentSchema:schema11.properties.probe.properties.value.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/probe/value/" + i1,schemaPath:"#/properties/probe/properties/value/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.probe.properties.value.anyOf[1].items.type,parentSchema:schema11.properties.probe.properties.value.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
else {
const err20 = {instancePath:instancePath+"/probe/value",schemaPath:"#/properties/probe/properties/value/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.probe.properties.value.anyOf[1].type,parentSchema:schema11.properties.probe.properties.value.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
var _valid1 = _errs22 === errors;
valid5 = valid5 || _valid1;
}
if(!valid5){
const err21 = {instancePath:instancePath+"/probe/value",schemaPath:"#/properties/probe/properties/value/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.probe.properties.value.anyOf,parentSchema:schema11.properties.probe.properties.value,data:data6};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
else {
errors = _errs19;
if(vErrors !== null){
if(_errs19){
vErrors.length = _errs19;
}
else {
vErrors = null;
}
}
}
}
if(data4.valueEnv !== undefined){
let data8 = data4.valueEnv;
if(typeof data8 === "string"){
if(!pattern0.test(data8)){
const err22 = {instancePath:instancePath+"/probe/valueEnv",schemaPath:"#/properties/probe/properties/valueEnv/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema11.properties.probe.properties.valueEnv,data:data8};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/probe/valueEnv",schemaPath:"#/properties/probe/properties/valueEnv/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.probe.properties.valueEnv.type,parentSchema:schema11.properties.probe.properties.valueEnv,data:data8};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data4.paths !== undefined){
let data9 = data4.paths;
if(Array.isArray(data9)){
if(data9.length < 1){
const err24 = {instancePath:instancePath+"/probe/paths",schemaPath:"#/properties/probe/properties/paths/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.probe.properties.paths,data:data9};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
const len2 = data9.length;
for(let i2=0; i2<len2; i2++){
let data10 = data9[i2];
if(typeof data10 === "string"){
if(!pattern5.test(data10)){
const err25 = {instancePath:instancePath+"/probe/paths/" + i2,schemaPath:"#/properties/probe/properties/paths/items/pattern",keyword:"pattern",params:{pattern: "^/[^?#\\s]*$"},message:"must match pattern \""+"^/[^?#\\s]*$"+"\"",schema:"^/[^?#\\s]*$",parentSchema:schema11.properties.probe.properties.paths.items,data:data10};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/probe/paths/" + i2,schemaPath:"#/properties/probe/properties/paths/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.probe.properties.paths.items.type,parentSchema:schema11.properties.probe.properties.paths.items,data:data10};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
else {
const err27 = {instancePath:instancePath+"/probe/paths",schemaPath:"#/properties/probe/properties/paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.probe.properties.paths.type,parentSchema:schema11.properties.probe.properties.paths,data:data9};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data4.methods !== undefined){
let data11 = data4.methods;
if(Array.isArray(data11)){
if(data11.length < 1){
const err28 = {instancePath:instancePath+"/probe/methods",schemaPath:"#/properties/probe/properties/methods/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.probe.properties.methods,data:data11};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
const len3 = data11.length;
for(let i3=0; i3<len3; i3++){
let data12 = data11[i3];
if(typeof data12 !== "string"){
const err29 = {instancePath:instancePath+"/probe/methods/" + i3,schemaPath:"#/properties/probe/properties/methods/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.probe.properties.methods.items.type,parentSchema:schema11.properties.probe.properties.methods.items,data:data12};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(!(((((((data12 === "GET") || (data12 === "HEAD")) || (data12 === "POST")) || (data12 === "PUT")) || (data12 === "PATCH")) || (data12 === "DELETE")) || (data12 === "OPTIONS"))){
const err30 = {instancePath:instancePath+"/probe/methods/" + i3,schemaPath:"#/properties/probe/properties/methods/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.probe.properties.methods.items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.probe.properties.methods.items.enum,parentSchema:schema11.properties.probe.properties.methods.items,data:data12};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
else {
const err31 = {instancePath:instancePath+"/probe/methods",schemaPath:"#/properties/probe/properties/methods/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.probe.properties.methods.type,parentSchema:schema11.properties.probe.properties.methods,data:data11};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data4.localAddress !== undefined){
let data13 = data4.localAddress;
if(typeof data13 !== "boolean"){
const err32 = {instancePath:instancePath+"/probe/localAddress",schemaPath:"#/properties/probe/properties/localAddress/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.probe.properties.localAddress.type,parentSchema:schema11.properties.probe.properties.localAddress,data:data13};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
}
else {
const err33 = {instancePath:instancePath+"/probe",schemaPath:"#/properties/probe/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.probe.type,parentSchema:schema11.properties.probe,data:data4};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data.exemptPaths !== undefined){
let data14 = data.exemptPaths;
if(Array.isArray(data14)){
const len4 = data14.length;
for(let i4=0; i4<len4; i4++){
let data15 = data14[i4];
if(typeof data15 === "string"){
if(!pattern5.test(data15)){
const err34 = {instancePath:instancePath+"/exemptPaths/" + i4,schemaPath:"#/properties/exemptPaths/items/pattern",keyword:"pattern",params:{pattern: "^/[^?#\\s]*$"},message:"must match pattern \""+"^/[^?#\\s]*$"+"\"",schema:"^/[^?#\\s]*$",parentSchema:schema11.properties.exemptPaths.items,data:data15};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/exemptPaths/" + i4,schemaPath:"#/properties/exemptPaths/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.exemptPaths.items.type,parentSchema:schema11.properties.exemptPaths.items,data:data15};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
}
else {
const err36 = {instancePath:instancePath+"/exemptPaths",schemaPath:"#/properties/exemptPaths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.exemptPaths.type,parentSchema:schema11.properties.exemptPaths,data:data14};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data.endpoints !== undefined){
let data16 = data.endpoints;
if(data16 && typeof data16 == "object" && !Array.isArray(data16)){
if(Object.keys(data16).length < 1){
const err37 = {instancePath:instancePath+"/endpoints",schemaPath:"#/properties/endpoints/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema11.properties.endpoints,data:data16};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
for(const key2 in data16){
if(!(((key2 === "liveness") || (key2 === "readiness")) || (key2 === "startup"))){
const err38 = {instancePath:instancePath+"/endpoints",schemaPath:"#/properties/endpoints/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.endpoints,data:data16};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data16.liveness !== undefined){
let data17 = data16.liveness;
if(typeof data17 === "string"){
if(!pattern5.test(data17)){
const err39 = {instancePath:instancePath+"/endpoints/liveness",schemaPath:"#/properties/endpoints/properties/liveness/pattern",keyword:"pattern",params:{pattern: "^/[^?#\\s]*$"},message:"must match pattern \""+"^/[^?#\\s]*$"+"\"",schema:"^/[^?#\\s]*$",parentSchema:schema11.properties.endpoints.properties.liveness,data:data17};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/endpoints/liveness",schemaPath:"#/properties/endpoints/properties/liveness/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.endpoints.properties.liveness.type,parentSchema:schema11.properties.endpoints.properties.liveness,data:data17};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data16.readiness !== undefined){
let data18 = data16.readiness;
if(typeof data18 === "string"){
if(!pattern5.test(data18)){
const err41 = {instancePath:instancePath+"/endpoints/readiness",schemaPath:"#/properties/endpoints/properties/readiness/pattern",keyword:"pattern",params:{pattern: "^/[^?#\\s]*$"},message:"must match pattern \""+"^/[^?#\\s]*$"+"\"",schema:"^/[^?#\\s]*$",parentSchema:schema11.properties.endpoints.properties.readiness,data:data18};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/endpoints/readiness",schemaPath:"#/properties/endpoints/properties/readiness/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.endpoints.properties.readiness.type,parentSchema:schema11.properties.endpoints.properties.readiness,data:data18};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
if(data16.startup !== undefined){
let data19 = data16.startup;
if(typeof data19 === "string"){
if(!pattern5.test(data19)){
const err43 = {instancePath:instancePath+"/endpoints/startup",schemaPath:"#/properties/endpoints/properties/startup/pattern",keyword:"pattern",params:{pattern: "^/[^?#\\s]*$"},message:"must match pattern \""+"^/[^?#\\s]*$"+"\"",schema:"^/[^?#\\s]*$",parentSchema:schema11.properties.endpoints.properties.startup,data:data19};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
else {
const err44 = {instancePath:instancePath+"/endpoints/startup",schemaPath:"#/properties/endpoints/properties/startup/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.endpoints.properties.startup.type,parentSchema:schema11.properties.endpoints.properties.startup,data:data19};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
}
else {
const err45 = {instancePath:instancePath+"/endpoints",schemaPath:"#/properties/endpoints/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.endpoints.type,parentSchema:schema11.properties.endpoints,data:data16};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
if(data.shutdown !== undefined){
let data20 = data.shutdown;
if(data20 && typeof data20 == "object" && !Array.isArray(data20)){
for(const key3 in data20){
if(!(((key3 === "signals") || (key3 === "drainDelay")) || (key3 === "timeout"))){
const err46 = {instancePath:instancePath+"/shutdown",schemaPath:"#/properties/shutdown/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.shutdown,data:data20};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data20.signals !== undefined){
let data21 = data20.signals;
if(Array.isArray(data21)){
if(data21.length < 1){
const err47 = {instancePath:instancePath+"/shutdown/signals",schemaPath:"#/properties/shutdown/properties/signals/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.shutdown.properties.signals,data:data21};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
const len5 = data21.length;
for(let i5=0; i5<len5; i5++){
let data22 = data21[i5];
if(!((((((data22 === "SIGTERM") || (data22 === "SIGINT")) || (data22 === "SIGHUP")) || (data22 === "SIGQUIT")) || (data22 === "SIGUSR1")) || (data22 === "SIGUSR2"))){
const err48 = {instancePath:instancePath+"/shutdown/signals/" + i5,schemaPath:"#/properties/shutdown/properties/signals/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.shutdown.properties.signals.items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.shutdown.properties.signals.items.enum,parentSchema:schema11.properties.shutdown.properties.signals.items,data:data22};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
else {
const err49 = {instancePath:instancePath+"/shutdown/signals",schemaPath:"#/properties/shutdown/properties/signals/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.shutdown.properties.signals.type,parentSchema:schema11.properties.shutdown.properties.signals,data:data21};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data20.drainDelay !== undefined){
let data23 = data20.drainDelay;
if(!(((typeof data23 == "number") && (!(data23 % 1) && !isNaN(data23))) && (isFinite(data23)))){
const err50 = {instancePath:instancePath+"/shutdown/drainDelay",schemaPath:"#/properties/shutdown/properties/drainDelay/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.shutdown.properties.drainDelay.type,parentSchema:schema11.properties.shutdown.properties.drainDelay,data:data23};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 > 600000 || isNaN(data23)){
const err51 = {instancePath:instancePath+"/shutdown/drainDelay",schemaPath:"#/properties/shutdown/properties/drainDelay/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600000},message:"must be <= 600000",schema:600000,parentSchema:schema11.properties.shutdown.properties.drainDelay,data:data23};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if(data23 < 0 || isNaN(data23)){
const err52 = {instancePath:instancePath+"/shutdown/drainDelay",schemaPath:"#/properties/shutdown/properties/drainDelay/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.shutdown.properties.drainDelay,data:data23};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
}
if(data20.timeout !== undefined){
let data24 = data20.timeout;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
const err53 = {instancePath:instancePath+"/shutdown/timeout",schemaPath:"#/properties/shutdown/properties/timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.shutdown.properties.timeout.type,parentSchema:schema11.properties.shutdown.properties.timeout,data:data24};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 600000 || isNaN(data24)){
const err54 = {instancePath:instancePath+"/shutdown/timeout",schemaPath:"#/properties/shutdown/properties/timeout/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600000},message:"must be <= 600000",schema:600000,parentSchema:schema11.properties.shutdown.properties.timeout,data:data24};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if(data24 < 1 || isNaN(data24)){
const err55 = {instancePath:instancePath+"/shutdown/timeout",schemaPath:"#/properties/shutdown/properties/timeout/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.shutdown.properties.timeout,data:data24};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
}
}
else {
const err56 = {instancePath:instancePath+"/shutdown",schemaPath:"#/properties/shutdown/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.shutdown.type,parentSchema:schema11.properties.shutdown,data:data20};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
if(data.trustProxy !== undefined){
let data25 = data.trustProxy;
if(typeof data25 !== "boolean"){
const err57 = {instancePath:instancePath+"/trustProxy",schemaPath:"#/properties/trustProxy/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.trustProxy.type,parentSchema:schema11.properties.trustProxy,data:data25};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
if(data.rejectStatus !== undefined){
let data26 = data.rejectStatus;
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
const err58 = {instancePath:instancePath+"/rejectStatus",schemaPath:"#/properties/rejectStatus/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.rejectStatus.type,parentSchema:schema11.properties.rejectStatus,data:data26};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 > 499 || isNaN(data26)){
const err59 = {instancePath:instancePath+"/rejectStatus",schemaPath:"#/properties/rejectStatus/maximum",keyword:"maximum",params:{comparison: "<=", limit: 499},message:"must be <= 499",schema:499,parentSchema:schema11.properties.rejectStatus,data:data26};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
if(data26 < 400 || isNaN(data26)){
const err60 = {instancePath:instancePath+"/rejectStatus",schemaPath:"#/properties/rejectStatus/minimum",keyword:"minimum",params:{comparison: ">=", limit: 400},message:"must be >= 400",schema:400,parentSchema:schema11.properties.rejectStatus,data:data26};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
}
if(data.reportOnly !== undefined){
let data27 = data.reportOnly;
if(typeof data27 !== "boolean"){
const err61 = {instancePath:instancePath+"/reportOnly",schemaPath:"#/properties/reportOnly/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.reportOnly.type,parentSchema:schema11.properties.reportOnly,data:data27};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
if(data.watch !== undefined){
let data28 = data.watch;
if(typeof data28 !== "boolean"){
const err62 = {instancePath:instancePath+"/watch",schemaPath:"#/properties/watch/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.watch.type,parentSchema:schema11.properties.watch,data:data28};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
}
else {
const err63 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

