// Command argo-oracle judges analysis measurements exactly as Argo Rollouts does, by calling Argo
// Rollouts' own code: utils/evaluate (the conditions, expr-lang) and the web, prometheus and cloudwatch
// metric providers' Run (their JSON decoding and the value they store), each fed a canned answer through
// a fake transport, so nothing leaves the process.
//
// It reads one JSON request per line on stdin and writes one JSON answer per line on stdout, in order:
//
//	{"kind":"version"}                                   -> {"argoRollouts":"v1.10.1","expr":"v1.17.7"}
//	{"kind":"result","result":R,"success":S,"failure":F} -> {"phase":P,"message":M}  (EvaluateResult on R)
//	{"kind":"web","body":B,"jsonPath":J,...}             -> {"phase":P,"value":V,"message":M}
//	{"kind":"prometheus","body":B,...}                   -> {"phase":P,"value":V,"message":M}
//	{"kind":"cloudwatch","results":[...],...}            -> {"phase":P,"value":V,"message":M}
//
// R is typed as the providers hand results to the conditions: {"type":"json","json":"..."} (decoded by
// encoding/json into any, as the web provider does), {"type":"float64","value":"NaN"} (a Prometheus
// scalar, a Datadog point), {"type":"float64s","values":["1","+Inf"]} (a Prometheus vector or matrix),
// {"type":"nilFloat64"} (Datadog without data). Floats are strings parsed by strconv.ParseFloat.
// A request that cannot be read is answered {"fault":"..."}; the oracle itself never guesses a verdict.
// Where Argo's code panics (its controller runs providers in goroutines without recover, so the
// controller would crash), the answer is {"phase":"Panic","message":...}.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	awscloudwatch "github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	promapi "github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/sirupsen/logrus"

	"github.com/argoproj/argo-rollouts/metricproviders/cloudwatch"
	"github.com/argoproj/argo-rollouts/metricproviders/prometheus"
	"github.com/argoproj/argo-rollouts/metricproviders/webmetric"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/utils/evaluate"
)

type request struct {
	Kind     string          `json:"kind"`
	Success  string          `json:"success"`
	Failure  string          `json:"failure"`
	Result   *typedResult    `json:"result"`
	Body     string          `json:"body"`
	JSONPath string          `json:"jsonPath"`
	Results  []cloudWatchRow `json:"results"`
}

type typedResult struct {
	Type   string   `json:"type"`
	JSON   string   `json:"json"`
	Value  string   `json:"value"`
	Values []string `json:"values"`
}

type cloudWatchRow struct {
	ID         string   `json:"id"`
	Label      string   `json:"label"`
	StatusCode string   `json:"statusCode"`
	Values     []string `json:"values"`
	Timestamps []string `json:"timestamps"`
}

type answer struct {
	Phase   string `json:"phase,omitempty"`
	Value   string `json:"value"`
	Message string `json:"message,omitempty"`
	Fault   string `json:"fault,omitempty"`
	Argo    string `json:"argoRollouts,omitempty"`
	Expr    string `json:"expr,omitempty"`
}

var logCtx = *logrus.NewEntry(logrus.New())

func main() {
	logCtx.Logger.SetOutput(io.Discard)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var a answer
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			a = answer{Fault: "request is not JSON: " + err.Error()}
		} else {
			a = judge(req)
		}
		_ = enc.Encode(a)
		if err := out.Flush(); err != nil {
			os.Exit(1)
		}
	}
}

func judge(req request) (a answer) {
	defer func() {
		if r := recover(); r != nil {
			// Argo runs providers in a goroutine without recover(): this would crash its controller.
			a = answer{Phase: "Panic", Message: fmt.Sprintf("%v", r)}
		}
	}()
	metric := v1alpha1.Metric{Name: "m", SuccessCondition: req.Success, FailureCondition: req.Failure}
	switch req.Kind {
	case "version":
		return answer{Argo: moduleVersion("github.com/argoproj/argo-rollouts"), Expr: moduleVersion("github.com/expr-lang/expr")}
	case "result":
		if req.Result == nil {
			return answer{Fault: "result is missing"}
		}
		value, err := req.Result.decode()
		if err != nil {
			return answer{Fault: err.Error()}
		}
		phase, err := evaluate.EvaluateResult(value, metric, logCtx)
		return answer{Phase: string(phase), Message: errText(err)}
	case "web":
		metric.Provider.Web = &v1alpha1.WebMetric{URL: "http://oracle.invalid/", JSONPath: req.JSONPath}
		parser, err := webmetric.NewWebMetricJsonParser(metric)
		if err != nil {
			return answer{Phase: string(v1alpha1.AnalysisPhaseError), Message: "jsonPath: " + err.Error()}
		}
		client := &http.Client{Transport: canned(req.Body)}
		return measured(webmetric.NewWebMetricProvider(logCtx, client, parser).Run(&v1alpha1.AnalysisRun{}, metric))
	case "prometheus":
		metric.Provider.Prometheus = &v1alpha1.PrometheusMetric{Address: "http://oracle.invalid", Query: "q"}
		p, err := prometheus.NewPrometheusProvider(promv1.NewAPI(cannedPrometheus{body: []byte(req.Body)}), logCtx, metric)
		if err != nil {
			return answer{Fault: err.Error()}
		}
		return measured(p.Run(&v1alpha1.AnalysisRun{}, metric))
	case "cloudwatch":
		rows, err := cloudWatchRows(req.Results)
		if err != nil {
			return answer{Fault: err.Error()}
		}
		metric.Provider.CloudWatch = &v1alpha1.CloudWatchMetric{}
		return measured(cloudwatch.NewCloudWatchProvider(cannedCloudWatch{rows}, logCtx).Run(&v1alpha1.AnalysisRun{}, metric))
	default:
		return answer{Fault: "unknown kind " + strconv.Quote(req.Kind)}
	}
}

func measured(m v1alpha1.Measurement) answer {
	return answer{Phase: string(m.Phase), Value: m.Value, Message: m.Message}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (r typedResult) decode() (any, error) {
	switch r.Type {
	case "json":
		var v any
		if err := json.Unmarshal([]byte(r.JSON), &v); err != nil {
			return nil, fmt.Errorf("result json: %w", err)
		}
		return v, nil
	case "float64":
		return strconv.ParseFloat(r.Value, 64)
	case "float64s":
		return floats(r.Values)
	case "nilFloat64":
		var nilFloat64 *float64
		return nilFloat64, nil
	default:
		return nil, fmt.Errorf("unknown result type %q", r.Type)
	}
}

func floats(texts []string) ([]float64, error) {
	out := make([]float64, 0, len(texts))
	for _, t := range texts {
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// canned answers every request with 200 and the body, as a web server would.
type canned string

func (c canned) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewBufferString(string(c))), Request: req}, nil
}

// cannedPrometheus is a Prometheus HTTP API answering every query with the body.
type cannedPrometheus struct{ body []byte }

func (c cannedPrometheus) URL(ep string, args map[string]string) *url.URL {
	return &url.URL{Scheme: "http", Host: "oracle.invalid", Path: ep}
}

func (c cannedPrometheus) Do(_ context.Context, req *http.Request) (*http.Response, []byte, error) {
	return &http.Response{StatusCode: 200, Request: req}, c.body, nil
}

var _ promapi.Client = cannedPrometheus{}

// cannedCloudWatch answers GetMetricData with the rows.
type cannedCloudWatch struct{ rows []cwtypes.MetricDataResult }

func (c cannedCloudWatch) Query(time.Duration, []cwtypes.MetricDataQuery) (*awscloudwatch.GetMetricDataOutput, error) {
	return &awscloudwatch.GetMetricDataOutput{MetricDataResults: c.rows}, nil
}

func cloudWatchRows(rows []cloudWatchRow) ([]cwtypes.MetricDataResult, error) {
	out := []cwtypes.MetricDataResult{}
	for _, r := range rows {
		values, err := floats(r.Values)
		if err != nil {
			return nil, err
		}
		stamps := []time.Time{}
		for _, t := range r.Timestamps {
			ts, err := time.Parse(time.RFC3339, t)
			if err != nil {
				return nil, err
			}
			stamps = append(stamps, ts)
		}
		id, label := r.ID, r.Label
		out = append(out, cwtypes.MetricDataResult{Id: &id, Label: &label, StatusCode: cwtypes.StatusCode(r.StatusCode),
			Values: values, Timestamps: stamps})
	}
	return out, nil
}

func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return "unknown"
}
