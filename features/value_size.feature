@mock @value-size
Feature: Value size
  gwsmock's policy (docs/decisions.md, "Value size"): an interaction's
  userData and its channel data may each take at most 1 MiB (1048576
  bytes) of compact JSON. Creating an interaction (the control API),
  UpdateProperties and PUT /interactions/{id} that would leave more answer
  400 and change nothing. A real server may draw the line elsewhere, so
  this is @mock; it is one scenario through every door, so as not to grow
  the @mock share of the suite (mockserver/conform_driver_test.go).
  The values are made of every kind of JSON value ("the variable ... is a
  JSON object of N bytes"), so that a limit that miscounts one kind, or
  counts one byte too many or too few, shows. No one listens: the
  notifications of a 1 MiB value are not what this is about.

  @B3.2 @B4.8 @B4.21
  Scenario: userData and channel data take up to 1 MiB of JSON, and not a byte more
    Given the variable big is a JSON object of 1048576 bytes
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "agent": "{{alice.userName}}", "userData": {{big}}, "email_object": {"subject": "Exactly 1 MiB", "from": "joe@example.com", "to": "support@example.com", "body": "Hi"}}
      """
    Then the response status is 201
    And the response field id is saved as it
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"userData": "{{big}}"}}
      """
    # 1048577 bytes: {"list":[ (9), the object (1048564), ,7]} (4). The
    # last value counted is one digit, so a count that stops as soon as it
    # reaches the limit misses the byte over it.
    Given the variable over is a JSON object of 1048564 bytes
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "agent": "{{bob.userName}}", "userData": {"list": [{{over}}, 7]}, "email_object": {"subject": "One byte over", "from": "joe@example.com", "to": "support@example.com", "body": "Hi"}}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:userData.*1048576}}"}
      """
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "workitem", "agent": "{{carol.userName}}", "workitem_object": {"list": [{{over}}, 7]}}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:channel data.*1048576}}"}
      """
    And bob has no interactions
    And carol has no interactions
    # 1048570 bytes, six short of the limit: ,"z":1 brings it exactly
    # there, ,"z":12 one byte over.
    Given the variable near is a JSON object of 1048570 bytes
    And an interaction arrives with:
      """
      {"channel": "email", "agent": "{{dave.userName}}", "userData": {{near}}, "email_object": {"subject": "Near 1 MiB", "from": "joe@example.com", "to": "support@example.com", "body": "Hi"}}
      """
    And dave accepts it
    When dave tries to update its properties with:
      """
      {"z": 12}
      """
    Then the request is refused with status 400, naming "userData"
    When dave sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"userData": "{{near}}"}}
      """
    And the response matches:
      """
      {"interaction": {"userData": {"z": "{{absent}}"}}}
      """
    When dave updates its properties with:
      """
      {"z": 1}
      """
    And dave sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"userData": {"z": 1, "pad": "{{string}}"}}}
      """
    Given an interaction arrives with:
      """
      {"channel": "workitem", "agent": "{{carol.userName}}", "workitem_object": {{near}}}
      """
    And carol accepts it
    When carol tries to change its channel data with:
      """
      {"workitem_object": {"z": 12}}
      """
    Then the request is refused with status 400, naming "channel data"
    When carol sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"workitem_object": "{{near}}"}}
      """
    And the response matches:
      """
      {"interaction": {"workitem_object": {"z": "{{absent}}"}}}
      """
    When carol changes its channel data with:
      """
      {"workitem_object": {"z": 1}}
      """
    And carol sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"workitem_object": {"z": 1, "pad": "{{string}}"}}}
      """
